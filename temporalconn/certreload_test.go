package temporalconn

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clientCN dials a server that requires client certificates and returns
// the common name of the certificate the client presented.
func clientCN(t *testing.T, p testPKI, cfg *tls.Config) string {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(p.serverCert, p.serverKey)
	require.NoError(t, err)
	seen := make(chan string, 1)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{pair}, ClientCAs: p.pool, ClientAuth: tls.RequireAndVerifyClientCert,
		VerifyPeerCertificate: func(_ [][]byte, chains [][]*x509.Certificate) error {
			seen <- chains[0][0].Subject.CommonName
			return nil
		},
	})
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_ = c.(*tls.Conn).Handshake()
			_ = c.Close()
		}
	}()
	require.NoError(t, handshake(ln.Addr().String(), cfg))
	select {
	case cn := <-seen:
		return cn
	case <-time.After(5 * time.Second):
		t.Fatal("the server saw no client certificate")
		return ""
	}
}

// touch moves a file's modification time forward, as a rewrite would.
func touch(t *testing.T, path string, d time.Duration) {
	at := time.Now().Add(d)
	require.NoError(t, os.Chtimes(path, at, at))
}

func TestClientCertificateRotatesWithoutRestart(t *testing.T) {
	p := newPKI(t)
	cfg, err := Security{CAFile: p.caFile, CertFile: p.clientCert, KeyFile: p.clientKey, ServerName: "temporal.test"}.TLSConfig()
	require.NoError(t, err)
	require.Equal(t, "meetvault-worker", clientCN(t, p, cfg))

	// cert-manager writes a new pair: the next connection presents it.
	issue(t, p.ca, p.caKey, "meetvault-worker-rotated", x509.ExtKeyUsageClientAuth, p.clientCert, p.clientKey)
	touch(t, p.clientCert, time.Minute)
	touch(t, p.clientKey, time.Minute)
	require.Equal(t, "meetvault-worker-rotated", clientCN(t, p, cfg))

	// Caught half-way (a new certificate whose key is not there yet): the
	// previous pair keeps working.
	other := filepath.Join(p.dir, "other")
	issue(t, p.ca, p.caKey, "half-rotated", x509.ExtKeyUsageClientAuth, p.clientCert, other+".key")
	touch(t, p.clientCert, 2*time.Minute)
	require.Equal(t, "meetvault-worker-rotated", clientCN(t, p, cfg))

	// Files gone (a Secret being replaced): still the last good pair.
	require.NoError(t, os.Remove(p.clientKey))
	require.Equal(t, "meetvault-worker-rotated", clientCN(t, p, cfg))
}
