// Package rtms is a Go client for Zoom's Real-Time Media Streams (RTMS): the
// WebSocket protocol an app speaks after meeting.rtms_started to receive a
// meeting's audio, video, screen share and transcript without a bot. Zoom
// ships no Go SDK; this client is written from the protocol facts in
// docs (../shared/zoom-rtms.md in the project notes): message types,
// handshake, keep-alive, media formats, stop reasons and failover.
//
// # Shape
//
// A Session is one connection episode: it dials the signalling URL Zoom named
// in rtms_started, performs the signalling handshake (signature over
// "{client_id},{meeting_uuid},{rtms_stream_id}"), picks the media servers from
// the handshake answer ("all" when offered, otherwise one socket per media
// kind asked for), performs the media handshake on each, sends
// CLIENT_READY_ACK on the signalling socket, subscribes to events and then
// delivers decoded media to a Handler until the stream ends or the
// signalling connection is lost. Keep-alive requests are answered on the
// socket they arrived on.
//
// # Failover
//
// Zoom's reconnection table is split in two: what one connection episode can
// fix on its own lives here, what needs outside knowledge lives with the
// caller.
//
//   - MEDIA_CONNECTION_INTERRUPTED (event 7), stream state INTERRUPTED with
//     reason 14, or a media socket that closed while the signalling socket
//     stays up: Run reconnects the media socket only, with Backoff.
//   - The signalling socket lost: Run returns a *LostError. The caller
//     reconnects both sockets (after rtms_interrupted, or with the new URLs
//     of a second rtms_started for the same stream, Zoom's server failover).
//   - Stream or session terminated: Run returns an *EndedError carrying the
//     stop reason; reasons 10-19 and 24 are transport failures after which
//     Zoom advises a full restart (StopReason.Restartable).
//
// # Transport security
//
// TLS certificates are always verified. Plain ws:// is refused unless
// Config.AllowInsecureLoopback is set and the URL's host is a loopback
// address: the test simulator listens on 127.0.0.1 without TLS, and nothing
// else can be reached that way.
package rtms
