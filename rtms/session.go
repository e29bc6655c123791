package rtms

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Config describes one stream to connect to.
type Config struct {
	ClientID, ClientSecret string
	// MeetingUUID names the meeting; SessionID replaces it for Video SDK
	// sessions (session.rtms_started).
	MeetingUUID, SessionID string
	StreamID               string
	// SignalingURL is rtms_started's server_urls.
	SignalingURL string
	// Media is the media_type bitmask asked for (default audio+transcript).
	Media       MediaType
	MediaParams *MediaParams
	// Events are the EVENT_UPDATE types subscribed to after the handshake
	// (default: active speaker, participant join and leave, media interrupted).
	Events []int
	// BufferData false drops the audio Zoom buffered before the connect.
	BufferData *bool
	// AllowInsecureLoopback permits ws:// to 127.0.0.1/::1/localhost (the
	// local simulator); everything else must be wss with a verified
	// certificate.
	AllowInsecureLoopback bool
	// RootCAs replaces the system roots (a test CA); verification stays on.
	RootCAs    *x509.CertPool
	HTTPClient *http.Client
	// MediaBackoff paces media-only reconnects.
	MediaBackoff     Backoff
	HandshakeTimeout time.Duration // default 10 s
	Logger           *slog.Logger
}

// DefaultEvents are the events a Session subscribes to.
var DefaultEvents = []int{EventActiveSpeakerChange, EventParticipantJoin, EventParticipantLeave, EventMediaConnectionBroken}

// Session is one connection episode of one stream.
type Session struct {
	cfg Config
	sig string
	seq atomic.Int64
	hmu sync.Mutex // serialises Handler calls
	h   Handler

	signal *websocket.Conn
	media  []*mediaConn
	urls   MediaURLs
}

// mediaConn is one media socket and the media kinds it carries.
type mediaConn struct {
	url   string
	kinds MediaType
	gen   int
	conn  *websocket.Conn
	done  chan struct{} // closed when conn's reader returned
}

// notice is what socket readers tell the Run loop.
type notice struct {
	kind   string // "ended", "lost", "media_down", "media_signal", "handler"
	reason StopReason
	gen    int
	err    error
}

// Run connects to the stream and delivers its data to h until the stream
// ends (*EndedError), the signalling connection is lost (*LostError), a
// handshake is refused (*HandshakeError), h fails, or ctx is cancelled.
func Run(ctx context.Context, cfg Config, h Handler) error {
	if cfg.Media == 0 {
		cfg.Media = MediaAudio | MediaTranscript
	}
	if cfg.Events == nil {
		cfg.Events = DefaultEvents
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.StreamID == "" || cfg.SignalingURL == "" || (cfg.MeetingUUID == "" && cfg.SessionID == "") {
		return errors.New("rtms: stream id, signalling URL and meeting UUID (or session id) are required")
	}
	s := &Session{cfg: cfg, h: h}
	s.sig = Sign(cfg.ClientID, cfg.ClientSecret, s.instanceID(), cfg.StreamID)
	defer s.closeAll()
	if err := s.connectSignaling(ctx); err != nil {
		return err
	}
	if err := s.planMedia(); err != nil {
		return err
	}
	for _, m := range s.media {
		if err := s.connectMedia(ctx, m); err != nil {
			return err
		}
	}
	if err := writeJSON(ctx, s.signal, clientReadyAck{MsgType: MsgClientReadyAck, RTMSStreamID: cfg.StreamID}); err != nil {
		return &LostError{Cause: err}
	}
	if len(cfg.Events) > 0 {
		sub := eventSubscription{MsgType: MsgEventSubscription}
		for _, e := range cfg.Events {
			sub.Events = append(sub.Events, subscription{EventType: e, Subscribe: true})
		}
		if err := writeJSON(ctx, s.signal, sub); err != nil {
			return &LostError{Cause: err}
		}
	}
	return s.loop(ctx)
}

func (s *Session) instanceID() string {
	if s.cfg.SessionID != "" {
		return s.cfg.SessionID
	}
	return s.cfg.MeetingUUID
}

func (s *Session) closeAll() {
	for _, m := range s.media {
		if m.conn != nil {
			_ = m.conn.Close(websocket.StatusNormalClosure, "")
		}
	}
	if s.signal != nil {
		_ = s.signal.Close(websocket.StatusNormalClosure, "")
	}
}

func (s *Session) connectSignaling(ctx context.Context) error {
	c, err := s.dial(ctx, s.cfg.SignalingURL)
	if err != nil {
		return &LostError{Cause: err}
	}
	s.signal = c
	req := signalingHandshakeReq{
		MsgType: MsgSignalingHandshakeReq, ProtocolVersion: 1, Sequence: s.seq.Add(1),
		RTMSStreamID: s.cfg.StreamID, Signature: s.sig, BufferData: s.cfg.BufferData,
	}
	if s.cfg.SessionID != "" {
		req.SessionID = s.cfg.SessionID
	} else {
		req.MeetingUUID = s.cfg.MeetingUUID
	}
	if err := writeJSON(ctx, c, req); err != nil {
		return &LostError{Cause: err}
	}
	hctx, cancel := context.WithTimeout(ctx, s.cfg.HandshakeTimeout)
	defer cancel()
	for {
		var resp signalingHandshakeResp
		if _, err := readJSON(hctx, c, &resp); err != nil {
			return &LostError{Cause: fmt.Errorf("signalling handshake: %w", err)}
		}
		if resp.MsgType == MsgKeepAliveReq {
			continue // answered by the reader later; the handshake answer comes first in practice
		}
		if resp.MsgType != MsgSignalingHandshakeResp {
			return fmt.Errorf("rtms: signalling handshake: unexpected msg_type %d", resp.MsgType)
		}
		if resp.StatusCode != StatusOK {
			return &HandshakeError{Socket: "signalling", Status: resp.StatusCode, Reason: resp.Reason}
		}
		s.urls = resp.MediaServer.ServerURLs
		return nil
	}
}

// planMedia picks the media sockets: the "all" server for every kind asked
// for when Zoom offers one, otherwise one socket per kind on its own server.
// Kinds the app's scopes do not allow (no URL) are an error that names them.
func (s *Session) planMedia() error {
	want := s.cfg.Media
	if s.urls.All != "" {
		s.media = []*mediaConn{{url: s.urls.All, kinds: want}}
		return nil
	}
	byKind := []struct {
		kind MediaType
		url  string
	}{
		{MediaAudio, s.urls.Audio}, {MediaVideo | MediaDeskshare, s.urls.Video}, {MediaTranscript, s.urls.Transcript},
	}
	for _, k := range byKind {
		if want&k.kind == 0 {
			continue
		}
		if k.url == "" {
			return fmt.Errorf("rtms: no media server for media type %d: the app lacks the scope (meeting:read:meeting_audio/_video/_transcript)", want&k.kind)
		}
		s.media = append(s.media, &mediaConn{url: k.url, kinds: want & k.kind})
	}
	if len(s.media) == 0 {
		return errors.New("rtms: no media types asked for")
	}
	return nil
}

func (s *Session) connectMedia(ctx context.Context, m *mediaConn) error {
	c, err := s.dial(ctx, m.url)
	if err != nil {
		return &LostError{Cause: err}
	}
	req := dataHandshakeReq{
		MsgType: MsgDataHandshakeReq, ProtocolVersion: 1, Sequence: s.seq.Add(1),
		RTMSStreamID: s.cfg.StreamID, Signature: s.sig, MediaType: m.kinds, MediaParams: s.mediaParams(m.kinds),
	}
	if s.cfg.SessionID != "" {
		req.SessionID = s.cfg.SessionID
	} else {
		req.MeetingUUID = s.cfg.MeetingUUID
	}
	if err := writeJSON(ctx, c, req); err != nil {
		_ = c.CloseNow()
		return &LostError{Cause: err}
	}
	hctx, cancel := context.WithTimeout(ctx, s.cfg.HandshakeTimeout)
	defer cancel()
	var resp dataHandshakeResp
	if _, err := readJSON(hctx, c, &resp); err != nil {
		_ = c.CloseNow()
		return &LostError{Cause: fmt.Errorf("media handshake: %w", err)}
	}
	if resp.MsgType != MsgDataHandshakeResp {
		_ = c.CloseNow()
		return fmt.Errorf("rtms: media handshake: unexpected msg_type %d", resp.MsgType)
	}
	if resp.StatusCode != StatusOK {
		_ = c.CloseNow()
		return &HandshakeError{Socket: "media", Status: resp.StatusCode, Reason: resp.Reason}
	}
	m.conn = c
	m.gen++
	m.done = make(chan struct{})
	return nil
}

func (s *Session) mediaParams(kinds MediaType) *MediaParams {
	p := s.cfg.MediaParams
	if p == nil {
		a := DefaultAudioParams
		p = &MediaParams{Audio: &a, Transcript: &TranscriptParams{ContentType: 5}}
	}
	out := &MediaParams{}
	if kinds.Has(MediaAudio) {
		out.Audio = p.Audio
	}
	if kinds.Has(MediaVideo) {
		out.Video = p.Video
	}
	if kinds.Has(MediaTranscript) {
		out.Transcript = p.Transcript
	}
	return out
}

// call runs one Handler method under the session's handler lock.
func (s *Session) call(f func(Handler) error) error {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	return f(s.h)
}

// loop runs the socket readers and acts on what they report.
func (s *Session) loop(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	notices := make(chan notice, 16)
	go s.readSignaling(ctx, notices)
	for _, m := range s.media {
		go s.readMedia(ctx, m.conn, m.gen, m.done, notices)
	}
	var reconnectAt <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case n := <-notices:
			switch n.kind {
			case "ended":
				s.drainMedia()
				return &EndedError{Reason: n.reason}
			case "lost":
				return &LostError{Cause: n.err}
			case "handler":
				return n.err
			case "media_signal":
				// Zoom told us the media connection broke: reconnect now.
				if err := s.reconnectMedia(ctx, notices); err != nil {
					return err
				}
				reconnectAt = nil
			case "media_down":
				if s.currentGen(n.gen) && reconnectAt == nil {
					// Wait briefly for Zoom's own signal (event 7 / state 2
					// reason 14) rather than racing it with a second connect.
					reconnectAt = time.After(2 * time.Second)
				}
			}
		case <-reconnectAt:
			reconnectAt = nil
			if err := s.reconnectMedia(ctx, notices); err != nil {
				return err
			}
		}
	}
}

// drainMedia lets the media readers deliver what the server sent before it
// closed the media sockets at the stream's end (the signalling socket may
// announce the end before a loaded client has read the last frames).
func (s *Session) drainMedia() {
	deadline := time.After(5 * time.Second)
	for _, m := range s.media {
		if m.conn == nil {
			continue
		}
		select {
		case <-m.done:
		case <-deadline:
			return
		}
	}
}

// currentGen reports whether gen is a live media connection's generation.
func (s *Session) currentGen(gen int) bool {
	for _, m := range s.media {
		if m.gen == gen && m.conn != nil {
			return true
		}
	}
	return false
}

// reconnectMedia replaces every media socket that is down (or all of them,
// when Zoom signalled), with bounded backoff.
func (s *Session) reconnectMedia(ctx context.Context, notices chan notice) error {
	b := s.cfg.MediaBackoff.withDefaults()
	_ = s.call(func(h Handler) error {
		return h.OnState(State{Kind: "media_lost", Timestamp: time.Now().UnixMilli()})
	})
	for _, m := range s.media {
		if m.conn != nil {
			// Drain what the server wrote before it closed the socket, so
			// no frame already sent is lost and old frames never interleave
			// with the new socket's.
			select {
			case <-m.done:
			case <-time.After(2 * time.Second):
			}
			_ = m.conn.CloseNow()
			<-m.done
			m.conn = nil
		}
		var err error
		for attempt := 0; attempt < b.Attempts; attempt++ {
			if attempt > 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(b.Delay(attempt - 1)):
				}
			}
			if err = s.connectMedia(ctx, m); err == nil {
				break
			}
			var he *HandshakeError
			if errors.As(err, &he) && he.Permanent() {
				return err
			}
			s.cfg.Logger.Warn("rtms: media reconnect failed", "stream", s.cfg.StreamID, "attempt", attempt+1, "err", err)
		}
		if err != nil {
			return &LostError{Cause: fmt.Errorf("media socket not restored after %d attempts: %w", b.Attempts, err)}
		}
		go s.readMedia(ctx, m.conn, m.gen, m.done, notices)
	}
	return s.call(func(h Handler) error {
		return h.OnState(State{Kind: "media_reconnected", Timestamp: time.Now().UnixMilli()})
	})
}

func send(ctx context.Context, ch chan<- notice, n notice) {
	select {
	case ch <- n:
	case <-ctx.Done():
	}
}

func (s *Session) readSignaling(ctx context.Context, notices chan<- notice) {
	for {
		_, b, err := s.signal.Read(ctx)
		if err != nil {
			send(ctx, notices, notice{kind: "lost", err: fmt.Errorf("signalling socket: %w", err)})
			return
		}
		var env envelope
		if err := json.Unmarshal(b, &env); err != nil {
			continue // not JSON: nothing to act on
		}
		switch env.MsgType {
		case MsgKeepAliveReq:
			var ka keepAlive
			_ = json.Unmarshal(b, &ka)
			if err := writeJSON(ctx, s.signal, keepAlive{MsgType: MsgKeepAliveResp, Timestamp: ka.Timestamp}); err != nil {
				send(ctx, notices, notice{kind: "lost", err: err})
				return
			}
		case MsgEventUpdate:
			var ev eventUpdate
			if json.Unmarshal(b, &ev) != nil {
				continue
			}
			ev.Event.Timestamp = NormalizeMillis(ev.Event.Timestamp)
			if err := s.call(func(h Handler) error { return h.OnEvent(ev.Event) }); err != nil {
				send(ctx, notices, notice{kind: "handler", err: err})
				return
			}
			if ev.Event.EventType == EventMediaConnectionBroken {
				send(ctx, notices, notice{kind: "media_signal"})
			}
		case MsgStreamStateUpdate, MsgSessionStateUpdate, MsgStreamStateResp, MsgSessionStateResp:
			var u stateUpdate
			if json.Unmarshal(b, &u) != nil {
				continue
			}
			if n, ok := s.onState(u); ok {
				send(ctx, notices, n)
				if n.kind == "ended" {
					return
				}
			}
		}
	}
}

// onState reports a state change to the Handler and returns what the loop
// must do about it.
func (s *Session) onState(u stateUpdate) (notice, bool) {
	kind := "stream"
	if u.MsgType == MsgSessionStateUpdate || u.MsgType == MsgSessionStateResp {
		kind = "session"
	}
	st := State{Kind: kind, State: u.State, Reason: u.reason(), Timestamp: NormalizeMillis(u.Timestamp)}
	if err := s.call(func(h Handler) error { return h.OnState(st) }); err != nil {
		return notice{kind: "handler", err: err}, true
	}
	switch {
	case kind == "stream" && u.State == StreamTerminated, kind == "session" && u.State == SessionStopped:
		return notice{kind: "ended", reason: st.Reason}, true
	case kind == "stream" && u.State == StreamInterrupted && st.Reason == 14:
		return notice{kind: "media_signal"}, true
	}
	return notice{}, false
}

func (s *Session) readMedia(ctx context.Context, c *websocket.Conn, gen int, done chan struct{}, notices chan<- notice) {
	defer close(done)
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			send(ctx, notices, notice{kind: "media_down", gen: gen, err: err})
			return
		}
		var msg mediaMsg
		if err := json.Unmarshal(b, &msg); err != nil {
			continue
		}
		switch msg.MsgType {
		case MsgKeepAliveReq:
			if err := writeJSON(ctx, c, keepAlive{MsgType: MsgKeepAliveResp, Timestamp: msg.Timestamp}); err != nil {
				send(ctx, notices, notice{kind: "media_down", gen: gen, err: err})
				return
			}
		case MsgMediaAudio, MsgMediaVideo, MsgMediaShare, MsgMediaTranscript:
			if err := s.call(func(h Handler) error { return decodeMedia(h, &msg) }); err != nil {
				send(ctx, notices, notice{kind: "handler", err: err})
				return
			}
		}
	}
}
