package codec

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
)

const testToken = "0123456789abcdef-codec-token"

func newServer(t *testing.T) (*httptest.Server, converter.DataConverter) {
	t.Helper()
	c := mustCodec(t, map[string][]byte{"k1": newKey(t)}, "k1")
	h, err := NewHandler(c, ServerOptions{Token: testToken, AllowedOrigins: []string{"http://127.0.0.1:8233"}, MaxBodyBytes: 64 << 10})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/codec/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, DataConverter(c)
}

func post(t *testing.T, url string, header map[string]string, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func encodedBody(t *testing.T, dc converter.DataConverter) string {
	t.Helper()
	p, err := dc.ToPayload(secretMeeting)
	require.NoError(t, err)
	b, err := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{p}})
	require.NoError(t, err)
	return string(b)
}

func decodeAnswer(t *testing.T, body string) meeting {
	t.Helper()
	var ps commonpb.Payloads
	require.NoError(t, protojson.Unmarshal([]byte(body), &ps), body)
	require.Len(t, ps.Payloads, 1)
	var m meeting
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(ps.Payloads[0], &m))
	return m
}

func TestServerDecodesWithToken(t *testing.T) {
	t.Parallel()
	srv, dc := newServer(t)
	body := encodedBody(t, dc)
	for name, tc := range map[string]struct {
		path   string
		header map[string]string
	}{
		"bearer header":      {"/codec/decode", map[string]string{"Authorization": "Bearer " + testToken}},
		"bare header (CLI)":  {"/codec/decode", map[string]string{"Authorization": testToken}},
		"token in path (UI)": {"/codec/" + testToken + "/decode", nil},
	} {
		resp, got := post(t, srv.URL+tc.path, tc.header, body)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", name, got)
		require.Equal(t, secretMeeting, decodeAnswer(t, got), name)
	}
}

func TestServerRefusesWithoutToken(t *testing.T) {
	t.Parallel()
	srv, dc := newServer(t)
	body := encodedBody(t, dc)
	for name, tc := range map[string]struct {
		path   string
		header map[string]string
	}{
		"no token":           {"/codec/decode", nil},
		"wrong header":       {"/codec/decode", map[string]string{"Authorization": "Bearer " + testToken + "x"}},
		"wrong path token":   {"/codec/not-the-token-at-all/decode", nil},
		"prefix of token":    {"/codec/decode", map[string]string{"Authorization": testToken[:10]}},
		"encode, no token":   {"/codec/encode", nil},
		"token as last path": {"/codec/decode/" + testToken, nil},
	} {
		resp, got := post(t, srv.URL+tc.path, tc.header, body)
		require.Contains(t, []int{http.StatusUnauthorized, http.StatusNotFound}, resp.StatusCode, "%s: %s", name, got)
		require.NotContains(t, got, secretMeeting.Topic, name)
	}
}

func TestServerEncodeRoundTrip(t *testing.T) {
	t.Parallel()
	srv, dc := newServer(t)
	plain, err := converter.GetDefaultDataConverter().ToPayload(secretMeeting)
	require.NoError(t, err)
	b, err := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{plain}})
	require.NoError(t, err)
	resp, got := post(t, srv.URL+"/codec/encode", map[string]string{"Authorization": testToken}, string(b))
	require.Equal(t, http.StatusOK, resp.StatusCode, got)
	require.NotContains(t, got, base64.StdEncoding.EncodeToString([]byte(secretMeeting.Email))[:8])
	var ps commonpb.Payloads
	require.NoError(t, protojson.Unmarshal([]byte(got), &ps))
	var m meeting
	require.NoError(t, dc.FromPayload(ps.Payloads[0], &m))
	require.Equal(t, secretMeeting, m)
}

func TestServerCORS(t *testing.T) {
	t.Parallel()
	srv, dc := newServer(t)
	preflight := func(origin string) *http.Response {
		req, err := http.NewRequest(http.MethodOptions, srv.URL+"/codec/decode", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	ok := preflight("http://127.0.0.1:8233")
	require.Equal(t, http.StatusNoContent, ok.StatusCode)
	require.Equal(t, "http://127.0.0.1:8233", ok.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, ok.Header.Get("Access-Control-Allow-Headers"), "X-Namespace")

	evil := preflight("https://evil.example")
	require.Empty(t, evil.Header.Get("Access-Control-Allow-Origin"), "an unlisted origin gets no CORS grant")

	resp, _ := post(t, srv.URL+"/codec/"+testToken+"/decode", map[string]string{"Origin": "http://127.0.0.1:8233", "X-Namespace": "default"}, encodedBody(t, dc))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "http://127.0.0.1:8233", resp.Header.Get("Access-Control-Allow-Origin"))
}

func TestServerBoundsBody(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	big, err := json.Marshal(map[string]any{"payloads": []map[string]string{{"data": strings.Repeat("A", 100<<10)}}})
	require.NoError(t, err)
	resp, _ := post(t, srv.URL+"/codec/decode", map[string]string{"Authorization": testToken}, string(big))
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestServerOptionsChecked(t *testing.T) {
	t.Parallel()
	c := mustCodec(t, map[string][]byte{"k1": newKey(t)}, "k1")
	_, err := NewHandler(c, ServerOptions{Token: "short"})
	require.ErrorContains(t, err, EnvAuthToken)
	_, err = ParseOrigins("*")
	require.ErrorContains(t, err, EnvCORSOrigins)
	_, err = ParseOrigins("http://ui.example/path")
	require.Error(t, err)
	o, err := ParseOrigins(" http://127.0.0.1:8233/, https://ui.example ")
	require.NoError(t, err)
	require.Equal(t, []string{"http://127.0.0.1:8233", "https://ui.example"}, o)

	h, err := ServerFromLookup(LookupEnviron(nil))
	require.NoError(t, err)
	require.Nil(t, h, "no token: no codec server")
	_, err = ServerFromLookup(LookupEnviron([]string{EnvAuthToken + "=" + testToken}))
	require.ErrorContains(t, err, EnvKeys, "a token without keys is a configuration error")
}
