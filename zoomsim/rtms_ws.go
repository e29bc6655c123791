package zoomsim

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// rtmsPeer is one accepted RTMS WebSocket (signalling or media).
type rtmsPeer struct {
	conn  *websocket.Conn
	kinds int // media_type bitmask (media sockets)

	mu          sync.Mutex
	lastSent    time.Time
	outstanding int // keep-alive requests not answered
	closed      bool
}

func (p *rtmsPeer) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.conn.Write(ctx, websocket.MessageText, b); err != nil {
		return err
	}
	p.mu.Lock()
	p.lastSent = time.Now()
	p.mu.Unlock()
	return nil
}

func (p *rtmsPeer) close(code websocket.StatusCode, reason string) {
	p.mu.Lock()
	already := p.closed
	p.closed = true
	p.mu.Unlock()
	if !already {
		go func() { _ = p.conn.Close(code, reason) }()
	}
}

// keepAlive sends KEEP_ALIVE_REQ when the socket was idle for an interval
// and closes it after three unanswered requests; onTimeout runs then.
func (p *rtmsPeer) keepAlive(ctx context.Context, every time.Duration, onTimeout func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.mu.Lock()
		idle := time.Since(p.lastSent) >= every
		if p.outstanding >= 3 {
			p.mu.Unlock()
			p.close(websocket.StatusPolicyViolation, "keep-alive timeout")
			onTimeout()
			return
		}
		if idle {
			p.outstanding++
		}
		p.mu.Unlock()
		if idle {
			_ = p.send(map[string]any{"msg_type": 12, "timestamp": time.Now().UnixMilli()})
		}
	}
}

func (p *rtmsPeer) answered() {
	p.mu.Lock()
	p.outstanding = 0
	p.mu.Unlock()
}

// rtmsHandshake is the signalling (1) and media (3) handshake request.
type rtmsHandshake struct {
	MsgType      int             `json:"msg_type"`
	MeetingUUID  string          `json:"meeting_uuid"`
	SessionID    string          `json:"session_id"`
	RTMSStreamID string          `json:"rtms_stream_id"`
	Signature    string          `json:"signature"`
	MediaType    int             `json:"media_type"`
	MediaParams  json.RawMessage `json:"media_params"`
	Timestamp    int64           `json:"timestamp"`
	Events       []struct {
		EventType int  `json:"event_type"`
		Subscribe bool `json:"subscribe"`
	} `json:"events"`
}

// accept upgrades the request and reads its handshake; it answers and closes
// with status when the stream, server or signature is wrong.
func (s *Server) rtmsAccept(w http.ResponseWriter, r *http.Request, wantType int) (*rtmsPeer, *rtmsStream, rtmsHandshake, bool) {
	c, err := websocket.Accept(w, r, nil)
	var hs rtmsHandshake
	if err != nil {
		return nil, nil, hs, false
	}
	c.SetReadLimit(1 << 20)
	p := &rtmsPeer{conn: c, lastSent: time.Now()}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil || json.Unmarshal(b, &hs) != nil || hs.MsgType != wantType {
		p.refuse(wantType+1, 1, "INVALID_MESSAGE_TYPE")
		return nil, nil, hs, false
	}
	st := s.rtmsHub().stream(hs.RTMSStreamID)
	if st == nil {
		p.refuse(wantType+1, 2, "INVALID_RTMS_STREAM_ID")
		return nil, nil, hs, false
	}
	st.mu.Lock()
	dead, stopped := r.PathValue("server") != "sim-"+strconv.Itoa(st.server), st.stopped
	st.mu.Unlock()
	if stopped {
		p.refuse(wantType+1, 2, "INVALID_RTMS_STREAM_ID") // the stream is over
		return nil, nil, hs, false
	}
	if dead {
		// The server this URL names failed over: it is gone, so the
		// socket just closes.
		_ = c.Close(websocket.StatusInternalError, "server unavailable")
		return nil, nil, hs, false
	}
	instance := hs.MeetingUUID
	if instance == "" {
		instance = hs.SessionID
	}
	m := hmac.New(sha256.New, []byte(st.acct.ClientSecret))
	m.Write([]byte(st.acct.ClientID + "," + instance + "," + hs.RTMSStreamID))
	want := hex.EncodeToString(m.Sum(nil))
	if instance != st.meeting || !hmac.Equal([]byte(want), []byte(hs.Signature)) {
		st.mu.Lock()
		st.t.Connections.SignatureRefused++
		st.mu.Unlock()
		p.refuse(wantType+1, 3, "INVALID_SIGNATURE")
		return nil, nil, hs, false
	}
	return p, st, hs, true
}

func (p *rtmsPeer) refuse(msgType, status int, reason string) {
	_ = p.send(map[string]any{"msg_type": msgType, "status_code": status, "reason": reason})
	_ = p.conn.Close(websocket.StatusPolicyViolation, reason)
}

// rtmsSignal serves GET /rtms/{server}/signal.
func (s *Server) rtmsSignal(w http.ResponseWriter, r *http.Request) {
	p, st, _, ok := s.rtmsAccept(w, r, 1)
	if !ok {
		return
	}
	st.mu.Lock()
	old := st.sig
	st.sig, st.ready = p, false
	st.t.Connections.Signaling++
	st.mu.Unlock()
	if old != nil {
		old.close(websocket.StatusPolicyViolation, "displaced by a new connection")
	}
	media := st.mediaURL()
	_ = p.send(map[string]any{"msg_type": 2, "status_code": 0, "media_server": map[string]any{
		"server_urls": map[string]string{"audio": media, "video": media, "transcript": media, "all": media},
	}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.keepAlive(ctx, time.Duration(st.spec.KeepAliveMS)*time.Millisecond, func() {
		st.mu.Lock()
		st.t.Connections.KeepAliveTimeouts++
		current := st.sig == p
		st.mu.Unlock()
		if current { // missed answers on signalling interrupt both sockets
			st.dropBoth()
			st.hub.sendWebhook(WebhookRTMSInterrupted, rtmsWebhookPayload{AccountID: st.acct.ID, MeetingUUID: st.meeting, RTMSStreamID: st.id})
		}
	})
	for {
		_, b, err := p.conn.Read(ctx)
		if err != nil {
			st.mu.Lock()
			if st.sig == p {
				st.sig, st.ready = nil, false
			}
			st.mu.Unlock()
			return
		}
		var msg rtmsHandshake
		if json.Unmarshal(b, &msg) != nil {
			continue
		}
		switch msg.MsgType {
		case 13:
			p.answered()
		case 7:
			st.mu.Lock()
			st.ready = st.sig == p
			st.mu.Unlock()
			st.joinEvents()
		case 5:
			st.mu.Lock()
			for _, e := range msg.Events {
				st.subscribed[e.EventType] = e.Subscribe
			}
			st.mu.Unlock()
			st.joinEvents()
		case 19:
			st.mu.Lock()
			state := 1
			if st.stopped {
				state = 4
			}
			st.mu.Unlock()
			_ = p.send(map[string]any{"msg_type": 20, "state": state, "timestamp": time.Now().UnixMilli()})
		}
	}
}

// joinEvents sends PARTICIPANT_JOIN once per signalling connection that is
// ready and subscribed.
func (st *rtmsStream) joinEvents() {
	parts := []map[string]any{}
	for _, sp := range st.speakers {
		parts = append(parts, map[string]any{"user_id": sp.ID, "user_name": sp.Name})
	}
	st.event(3, map[string]any{"event_type": 3, "timestamp": time.Now().UnixMilli(), "participants": parts})
}

// rtmsMedia serves GET /rtms/{server}/media.
func (s *Server) rtmsMedia(w http.ResponseWriter, r *http.Request) {
	p, st, hs, ok := s.rtmsAccept(w, r, 3)
	if !ok {
		return
	}
	p.kinds = hs.MediaType
	if p.kinds&32 != 0 {
		p.kinds = 1 | 2 | 4 | 8
	}
	if p.kinds == 0 || p.kinds&16 != 0 {
		p.refuse(4, 7, "INVALID_MEDIA_TYPE") // chat is not supported yet
		return
	}
	params := hs.MediaParams
	if len(params) == 0 {
		params = json.RawMessage(`{"audio":{"content_type":2,"sample_rate":1,"channel":1,"codec":1,"data_opt":1,"send_rate":20}}`)
	}
	_ = p.send(map[string]any{"msg_type": 4, "status_code": 0, "media_params": params})
	st.mu.Lock()
	old := st.media
	st.media = p
	st.t.Connections.Media++
	st.mu.Unlock()
	if old != nil {
		old.close(websocket.StatusPolicyViolation, "displaced by a new connection")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.keepAlive(ctx, time.Duration(st.spec.KeepAliveMS)*time.Millisecond, func() {
		st.mu.Lock()
		st.t.Connections.KeepAliveTimeouts++
		if st.media == p {
			st.media = nil
		}
		st.mu.Unlock()
	})
	for {
		_, b, err := p.conn.Read(ctx)
		if err != nil {
			st.mu.Lock()
			if st.media == p {
				st.media = nil
			}
			st.mu.Unlock()
			return
		}
		var msg rtmsHandshake
		if json.Unmarshal(b, &msg) == nil && msg.MsgType == 13 {
			p.answered()
		}
	}
}
