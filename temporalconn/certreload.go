package temporalconn

import (
	"crypto/tls"
	"fmt"
	"os"
	"sync"
	"time"
)

// certReloader serves the client certificate for mutual TLS and loads it
// again when its files change, so a certificate rotated on disk (a
// Kubernetes Secret updated by cert-manager, say) is used by the next
// connection without restarting the process. A rotation caught half-way
// (new certificate, old key) keeps the previous pair until both match.
type certReloader struct {
	certFile, keyFile string

	mu      sync.Mutex
	pair    *tls.Certificate
	modTime [2]time.Time
}

func newCertReloader(certFile, keyFile string) (*certReloader, error) {
	r := &certReloader{certFile: certFile, keyFile: keyFile}
	if _, err := r.current(); err != nil {
		return nil, err
	}
	return r, nil
}

// current returns the pair, reloading it when either file's modification
// time changed since it was loaded.
func (r *certReloader) current() (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var mt [2]time.Time
	for i, f := range []string{r.certFile, r.keyFile} {
		st, err := os.Stat(f)
		if err != nil {
			if r.pair != nil {
				return r.pair, nil // mid-rotation: keep what works
			}
			return nil, fmt.Errorf("temporal: client certificate (MEETVAULT_TEMPORAL_TLS_CERT / _KEY): %w", err)
		}
		mt[i] = st.ModTime()
	}
	if r.pair != nil && mt == r.modTime {
		return r.pair, nil
	}
	pair, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		if r.pair != nil {
			return r.pair, nil
		}
		return nil, fmt.Errorf("temporal: client certificate (MEETVAULT_TEMPORAL_TLS_CERT / _KEY): %w", err)
	}
	r.pair, r.modTime = &pair, mt
	return r.pair, nil
}

// GetClientCertificate is tls.Config.GetClientCertificate.
func (r *certReloader) GetClientCertificate(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return r.current()
}
