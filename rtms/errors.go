package rtms

import (
	"errors"
	"fmt"
)

// HandshakeError is a handshake the server answered with a non-zero status.
type HandshakeError struct {
	Socket string // "signalling" or "media"
	Status Status
	Reason string
}

func (e *HandshakeError) Error() string {
	msg := fmt.Sprintf("rtms: %s handshake refused: %s (%d)", e.Socket, e.Status, int(e.Status))
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	switch e.Status {
	case StatusInvalidSignature:
		msg += " — check the tenant's client id and secret: the signature is HMAC-SHA256(secret, \"client_id,meeting_uuid,rtms_stream_id\")"
	case StatusInvalidRTMSStreamID:
		msg += " — the stream is unknown or over; wait for the next rtms_started"
	}
	return msg
}

// Permanent reports whether retrying the same request cannot succeed.
func (e *HandshakeError) Permanent() bool {
	return e.Status != StatusInternalException && e.Status != StatusDuplicateSignal && e.Status != StatusDuplicateMediaConn
}

// LostError means the signalling connection (or every attempt to restore
// the media connection) was lost: the caller reconnects both sockets, with the
// same URL after rtms_interrupted or with the new one of a failover.
type LostError struct{ Cause error }

func (e *LostError) Error() string { return "rtms: connection lost: " + e.Cause.Error() }
func (e *LostError) Unwrap() error { return e.Cause }

// EndedError is the stream's end as the server announced it.
type EndedError struct {
	Reason StopReason
}

func (e *EndedError) Error() string {
	return fmt.Sprintf("rtms: stream ended: %s (%d)", e.Reason, int(e.Reason))
}

// IsLost reports whether err is a *LostError.
func IsLost(err error) bool {
	var l *LostError
	return errors.As(err, &l)
}
