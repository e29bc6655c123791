package temporalconn

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testPKI is a CA with one server and one client certificate, as PEM files.
type testPKI struct {
	dir                   string
	caFile                string
	serverCert, serverKey string
	clientCert, clientKey string
	pool                  *x509.CertPool
	otherCAFile           string // a CA that signed nothing here
	ca                    *x509.Certificate
	caKey                 *ecdsa.PrivateKey
}

func newCA(t *testing.T, name string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert, key
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
}

func issue(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string, usage x509.ExtKeyUsage, certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		DNSNames: []string{cn},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	writePEM(t, certPath, "CERTIFICATE", der)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	writePEM(t, keyPath, "PRIVATE KEY", kder)
}

func newPKI(t *testing.T) testPKI {
	dir := t.TempDir()
	p := testPKI{dir: dir, caFile: filepath.Join(dir, "ca.pem"),
		serverCert: filepath.Join(dir, "server.pem"), serverKey: filepath.Join(dir, "server.key"),
		clientCert: filepath.Join(dir, "client.pem"), clientKey: filepath.Join(dir, "client.key"),
		otherCAFile: filepath.Join(dir, "other-ca.pem")}
	ca, caKey := newCA(t, "meetvault test CA")
	p.ca, p.caKey = ca, caKey
	writePEM(t, p.caFile, "CERTIFICATE", ca.Raw)
	p.pool = x509.NewCertPool()
	p.pool.AddCert(ca)
	issue(t, ca, caKey, "temporal.test", x509.ExtKeyUsageServerAuth, p.serverCert, p.serverKey)
	issue(t, ca, caKey, "meetvault-worker", x509.ExtKeyUsageClientAuth, p.clientCert, p.clientKey)
	other, _ := newCA(t, "unrelated CA")
	writePEM(t, p.otherCAFile, "CERTIFICATE", other.Raw)
	return p
}

// serveTLS runs a TLS server that requires a client certificate signed by
// the test CA, and returns its address; each accepted connection completes
// its handshake and closes.
func serveTLS(t *testing.T, p testPKI) string {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(p.serverCert, p.serverKey)
	require.NoError(t, err)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{pair}, ClientCAs: p.pool, ClientAuth: tls.RequireAndVerifyClientCert,
	})
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.(*tls.Conn).Handshake()
			_, _ = c.Read(make([]byte, 1)) // let the client see a rejection
			_ = c.Close()
		}
	}()
	return ln.Addr().String()
}

// handshake dials addr with cfg and reports the result of the handshake
// as the client sees it after the server's verdict.
func handshake(addr string, cfg *tls.Config) error {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	// In TLS 1.3 the server's rejection of a client certificate arrives
	// after the client's handshake completes: read to see it.
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err = conn.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return nil
	}
	if err != nil && err.Error() == "EOF" {
		return nil
	}
	return err
}

func TestMutualTLSHandshakeWithGeneratedCA(t *testing.T) {
	p := newPKI(t)
	addr := serveTLS(t, p)

	sec := Security{CAFile: p.caFile, CertFile: p.clientCert, KeyFile: p.clientKey, ServerName: "temporal.test"}
	cfg, err := sec.TLSConfig()
	require.NoError(t, err)
	require.NotNil(t, cfg.GetClientCertificate)
	require.NoError(t, handshake(addr, cfg), "mTLS with the right CA and a client certificate")
	require.Equal(t, "mTLS, CA "+p.caFile, sec.Describe())

	noCert, err := Security{CAFile: p.caFile, ServerName: "temporal.test"}.TLSConfig()
	require.NoError(t, err)
	require.Error(t, handshake(addr, noCert), "the server requires a client certificate")

	wrongCA, err := Security{CAFile: p.otherCAFile, CertFile: p.clientCert, KeyFile: p.clientKey, ServerName: "temporal.test"}.TLSConfig()
	require.NoError(t, err)
	err = handshake(addr, wrongCA)
	require.Error(t, err)
	require.ErrorContains(t, err, "certificate signed by unknown authority")

	wrongName, err := Security{CAFile: p.caFile, CertFile: p.clientCert, KeyFile: p.clientKey, ServerName: "other.test"}.TLSConfig()
	require.NoError(t, err)
	require.ErrorContains(t, handshake(addr, wrongName), "other.test")
}

func TestTLSConfigPlaintextAndErrors(t *testing.T) {
	p := newPKI(t)
	cfg, err := Security{}.TLSConfig()
	require.NoError(t, err)
	require.Nil(t, cfg, "no setting: plaintext, as the dev server wants")
	require.Equal(t, "plaintext", Security{}.Describe())

	cfg, err = Security{TLS: true}.TLSConfig()
	require.NoError(t, err)
	require.NotNil(t, cfg)
	require.Nil(t, cfg.RootCAs, "system roots")
	require.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)

	_, err = Security{CertFile: p.clientCert}.TLSConfig()
	require.ErrorContains(t, err, "MEETVAULT_TEMPORAL_TLS_KEY")
	_, err = Security{CAFile: filepath.Join(p.dir, "missing.pem")}.TLSConfig()
	require.ErrorContains(t, err, "MEETVAULT_TEMPORAL_TLS_CA")
	_, err = Security{CAFile: p.clientKey}.TLSConfig()
	require.ErrorContains(t, err, "holds no PEM certificate")
	_, err = Security{CertFile: p.clientCert, KeyFile: p.serverKey}.TLSConfig()
	require.ErrorContains(t, err, "client certificate", "a key that does not match the certificate")
}

func TestClientOptionsAPIKey(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	require.NoError(t, os.WriteFile(keyFile, []byte("  cloud-key\n"), 0o600))

	opts, err := Security{APIKeyFile: keyFile}.ClientOptions("ns.acct.tmprl.cloud:7233", "ns.acct", nil)
	require.NoError(t, err)
	require.NotNil(t, opts.Credentials)
	require.NotNil(t, opts.ConnectionOptions.TLS, "an API key travels over TLS only")
	require.Equal(t, "ns.acct", opts.Namespace)
	require.Equal(t, "TLS, API key", Security{APIKeyFile: keyFile}.Describe())

	opts, err = Security{}.ClientOptions("127.0.0.1:7233", "default", nil)
	require.NoError(t, err)
	require.Nil(t, opts.Credentials)
	require.Nil(t, opts.ConnectionOptions.TLS)

	_, err = Security{APIKey: "a", APIKeyFile: keyFile}.ClientOptions("x:1", "d", nil)
	require.ErrorContains(t, err, "not both")
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	_, err = Security{APIKeyFile: empty}.ClientOptions("x:1", "d", nil)
	require.ErrorContains(t, err, "is empty")
}

func TestLoadFromEnvironment(t *testing.T) {
	t.Setenv("MEETVAULT_TEMPORAL_TLS_CA", "/etc/temporal/ca.pem")
	t.Setenv("MEETVAULT_TEMPORAL_TLS_CERT", "/etc/temporal/tls.crt")
	t.Setenv("MEETVAULT_TEMPORAL_TLS_KEY", "/etc/temporal/tls.key")
	t.Setenv("MEETVAULT_TEMPORAL_API_KEY_FILE", "/etc/temporal/api-key")
	s, err := Load()
	require.NoError(t, err)
	require.Equal(t, Security{CAFile: "/etc/temporal/ca.pem", CertFile: "/etc/temporal/tls.crt",
		KeyFile: "/etc/temporal/tls.key", APIKeyFile: "/etc/temporal/api-key"}, s)
}
