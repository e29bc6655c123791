package zoomsim

import (
	"encoding/json"
	"net/http"
)

// apiError is Zoom's REST error body.
type apiError struct {
	Code    int          `json:"code"`
	Message string       `json:"message"`
	Errors  []fieldError `json:"errors,omitempty"`
}

type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Zoom error codes the simulator uses.
const (
	codeInvalidField    = 300  // validation failures, expired page tokens
	codeInvalidToken    = 124  // missing, unknown or expired access token
	codeUserNotFound    = 1001 // "User does not exist: ..."
	codeRecordingAbsent = 3301 // "This recording does not exist."
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeAPIError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, apiError{Code: code, Message: msg})
}

func writeFieldError(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusBadRequest, apiError{
		Code: codeInvalidField, Message: "Validation Failed.",
		Errors: []fieldError{{Field: field, Message: msg}},
	})
}

// writeHTMLError answers the way Zoom's web tier does for a download it will
// not serve: 200 OK with an HTML page instead of the file.
func writeHTMLError(w http.ResponseWriter, status int, title, msg string) {
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache, no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<!DOCTYPE html>\n<html lang=\"en-US\"><head><meta charset=\"utf-8\"><title>" + title +
		" - Zoom</title></head>\n<body><div class=\"error-page\"><h1>" + title + "</h1><p>" + msg +
		"</p><a href=\"https://zoom.us/\">Go to Zoom home page</a></div></body></html>\n"))
}
