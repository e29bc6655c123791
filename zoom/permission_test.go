package zoom

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// Zoom's scope and permission refusals are typed, name the scopes, and do
// not make the client throw its token away.
func TestPermissionRefusalsAreTypedAndNameTheScopes(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   map[string]any
		scopes []string
	}{
		{"4711 names the scopes", 400, map[string]any{"code": 4711,
			"message": "Invalid access token, does not contain scopes:[cloud_recording:read:list_user_recordings:admin, cloud_recording:read:list_user_recordings]."},
			[]string{"cloud_recording:read:list_user_recordings:admin", "cloud_recording:read:list_user_recordings"}},
		{"4700 on a 401", 401, map[string]any{"code": 4700, "message": "Invalid access token, does not contain scopes."}, nil},
		{"200 no permission", 400, map[string]any{"code": 200, "message": "No permission."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeZoom(t)
			f.mux.HandleFunc("GET /v2/users", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tt.status, tt.body) })
			c := f.client(t)
			for i := 0; i < 2; i++ {
				_, _, err := c.Users.List(context.Background(), nil)
				pe, ok := IsPermissionError(err)
				if !ok {
					t.Fatalf("err = %v (%T), want *PermissionError", err, err)
				}
				if strings.Join(pe.Scopes, "|") != strings.Join(tt.scopes, "|") {
					t.Fatalf("scopes %q, want %q", pe.Scopes, tt.scopes)
				}
				if IsUnauthorized(err) {
					t.Fatal("a permission refusal is not a rejected token")
				}
				var er *ErrorResponse
				if !errors.As(err, &er) || er.StatusCode() != tt.status {
					t.Fatalf("does not unwrap to the *ErrorResponse: %v", err)
				}
				for _, s := range tt.scopes {
					if !strings.Contains(err.Error(), s) {
						t.Fatalf("message %q does not name %s", err, s)
					}
				}
				if !strings.Contains(err.Error(), "Marketplace") {
					t.Fatalf("message %q does not say what to do", err)
				}
			}
			if n := f.tokenCalls.Load(); n != 1 {
				t.Fatalf("%d token requests: a permission refusal must not discard the token", n)
			}
		})
	}
}

func TestOtherErrorsAreNoPermissionErrors(t *testing.T) {
	for _, er := range []*ErrorResponse{
		{Code: 300, Message: "Validation Failed."},
		{Code: CodeInvalidToken, Message: "Invalid access token."},
		{Code: 3001, Message: "Meeting does not exist: 1."},
	} {
		er.Response = &http.Response{StatusCode: 400}
		if pe := asPermissionError(er); pe != nil {
			t.Errorf("%+v taken for a permission error", er)
		}
	}
}
