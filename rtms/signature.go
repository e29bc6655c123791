package rtms

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Sign is the signature both handshakes carry:
// hex(HMAC-SHA256(clientSecret, "{client_id},{meeting_uuid},{rtms_stream_id}")).
// For Video SDK sessions the session id takes the meeting UUID's place.
func Sign(clientID, clientSecret, meetingUUID, streamID string) string {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(clientID + "," + meetingUUID + "," + streamID))
	return hex.EncodeToString(m.Sum(nil))
}
