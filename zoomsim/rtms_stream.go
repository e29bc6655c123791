package zoomsim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"sync"
	"time"
)

// rtmsStream is one streaming episode. A pump goroutine walks the media
// timeline in real time (one tick per 20 ms audio frame) and sends what is
// due to the connected media socket; what falls due while no socket is
// ready is buffered (audio, before the first connect only, up to 60 s, as
// Zoom does) or lost, and the truth counts it.
type rtmsStream struct {
	hub        *rtmsHub
	id         string
	meeting    string
	acct       *account
	spec       ScenarioRTMS
	tone       rtmsTone
	speakers   []rtmsSpeaker
	startedAt  time.Time
	injectedCh chan ScenarioRTMSFault

	mu         sync.Mutex
	server     int // current server generation; URLs of older ones are dead
	sig        *rtmsPeer
	media      *rtmsPeer
	ready      bool // CLIENT_READY_ACK received on the current signalling socket
	connected  bool // a client was ready at least once
	buffer     []int
	stopped    bool
	stopReason int
	subscribed map[int]bool

	audioHash hash.Hash
	t         RTMSTruth
}

func newRTMSStream(h *rtmsHub, id, meetingUUID string, a *account, spec ScenarioRTMS) *rtmsStream {
	st := &rtmsStream{
		hub: h, id: id, meeting: meetingUUID, acct: a, spec: spec, tone: newRTMSTone(id),
		startedAt: time.Now(), server: 1, audioHash: sha256.New(), subscribed: map[int]bool{},
		injectedCh: make(chan ScenarioRTMSFault, 8),
	}
	host := "Host"
	if len(a.users) > 0 {
		host = a.users[0].FirstName + " " + a.users[0].LastName
	}
	st.speakers = []rtmsSpeaker{{16778240, host}, {16779264, "Guest One"}, {16780288, "Guest Two"}}
	st.t = RTMSTruth{
		AccountID: a.ID, RTMSStreamID: id, MeetingUUID: meetingUUID, State: "started",
		StartedAt: st.startedAt.UTC().Format(time.RFC3339Nano), Servers: 1,
		Transcript: []RTMSTruthSegment{}, Frames: []RTMSTruthFrame{},
	}
	return st
}

func (st *rtmsStream) signalURL() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return fmt.Sprintf("%s/rtms/sim-%d/signal", st.hub.wsBase(st.acct.ID), st.server)
}

func (st *rtmsStream) mediaURL() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return fmt.Sprintf("%s/rtms/sim-%d/media", st.hub.wsBase(st.acct.ID), st.server)
}

// start announces the stream and runs its pump.
func (st *rtmsStream) start() {
	st.hub.sendWebhook(WebhookRTMSStarted, rtmsWebhookPayload{
		AccountID: st.acct.ID, MeetingUUID: st.meeting, RTMSStreamID: st.id, ServerURLs: st.signalURL(),
	})
	go st.pump()
}

func (st *rtmsStream) inject(f ScenarioRTMSFault) { st.injectedCh <- f }

// ms is a timeline position as a Unix-ms timestamp.
func (st *rtmsStream) ms(at int) int64 { return st.startedAt.UnixMilli() + int64(at) }

func (st *rtmsStream) muted(at int) bool {
	for _, iv := range st.spec.MutedMS {
		if at >= iv[0] && at < iv[1] {
			return true
		}
	}
	return false
}

func (st *rtmsStream) pump() {
	tick := time.NewTicker(rtmsFrameMS * time.Millisecond)
	defer tick.Stop()
	faults := slices.Clone(st.spec.Faults)
	slices.SortFunc(faults, func(a, b ScenarioRTMSFault) int { return a.AtMS - b.AtMS })
	next := 0 // next audio frame
	for {
		select {
		case <-tick.C:
		case f := <-st.injectedCh:
			if st.apply(f) {
				return
			}
			continue
		}
		due := int(time.Since(st.startedAt) / (rtmsFrameMS * time.Millisecond))
		for ; next <= due; next++ {
			at := next * rtmsFrameMS
			for len(faults) > 0 && faults[0].AtMS <= at {
				f := faults[0]
				faults = faults[1:]
				if st.apply(f) {
					return
				}
			}
			if at >= st.spec.DurationMS {
				st.stop(st.spec.StopReason)
				return
			}
			st.emitAudio(next, at)
			if e := st.spec.TranscriptEveryMS; e > 0 && at > 0 && at%e == 0 {
				st.emitTranscript(at/e, at)
			}
			if fps := st.spec.VideoFPS; fps > 0 && at%(1000/fps) == 0 {
				st.emitVideo(at/(1000/fps), at)
			}
		}
	}
}

// apply runs one fault; it reports whether the stream is over.
func (st *rtmsStream) apply(f ScenarioRTMSFault) bool {
	switch f.Kind {
	case "drop_media":
		st.mu.Lock()
		m, sig := st.media, st.sig
		st.media = nil
		st.mu.Unlock()
		if m != nil {
			m.close(1011, "media server went away")
		}
		if sig != nil {
			_ = sig.send(map[string]any{"msg_type": 8, "state": 2, "reason": 14, "timestamp": time.Now().UnixMilli()})
		}
	case "drop_both":
		st.dropBoth()
		st.hub.sendWebhook(WebhookRTMSInterrupted, rtmsWebhookPayload{AccountID: st.acct.ID, MeetingUUID: st.meeting, RTMSStreamID: st.id})
	case "failover":
		st.dropBoth()
		st.mu.Lock()
		st.server++
		st.t.Servers++
		st.mu.Unlock()
		st.hub.sendWebhook(WebhookRTMSStarted, rtmsWebhookPayload{
			AccountID: st.acct.ID, MeetingUUID: st.meeting, RTMSStreamID: st.id, ServerURLs: st.signalURL(),
		})
	case "stop":
		st.stop(f.Reason)
		return true
	}
	return false
}

func (st *rtmsStream) dropBoth() {
	st.mu.Lock()
	m, sig := st.media, st.sig
	st.media, st.sig, st.ready = nil, nil, false
	st.mu.Unlock()
	if m != nil {
		m.close(1011, "server went away")
	}
	if sig != nil {
		sig.close(1011, "server went away")
	}
}

// stop ends the stream: state updates on signalling, sockets closed,
// rtms_stopped sent.
func (st *rtmsStream) stop(reason int) {
	st.mu.Lock()
	if st.stopped {
		st.mu.Unlock()
		return
	}
	st.stopped, st.stopReason = true, reason
	st.t.State, st.t.StopReason = "stopped", reason
	st.t.AudioFramesLost += len(st.buffer) // buffered for a client that never connected
	st.buffer = nil
	m, sig := st.media, st.sig
	st.media, st.sig = nil, nil
	st.mu.Unlock()
	now := time.Now().UnixMilli()
	if sig != nil {
		_ = sig.send(map[string]any{"msg_type": 8, "state": 4, "reason": reason, "timestamp": now})
		_ = sig.send(map[string]any{"msg_type": 9, "state": 5, "stop_reason": reason, "timestamp": now})
		sig.close(1000, "stream stopped")
	}
	if m != nil {
		m.close(1000, "stream stopped")
	}
	r := reason
	st.hub.sendWebhook(WebhookRTMSStopped, rtmsWebhookPayload{
		AccountID: st.acct.ID, MeetingUUID: st.meeting, RTMSStreamID: st.id, StopReason: &r,
	})
}

// target returns the media socket to send kind on, when the client is ready.
func (st *rtmsStream) target(kind int) *rtmsPeer {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.ready || st.media == nil || st.media.kinds&kind == 0 {
		return nil
	}
	return st.media
}

func (st *rtmsStream) emitAudio(f, at int) {
	if st.muted(at) {
		st.mu.Lock()
		st.t.AudioFramesMuted++
		st.mu.Unlock()
		return
	}
	p := st.target(1)
	if p == nil {
		st.mu.Lock()
		if !st.connected && len(st.buffer) < rtmsBufferFrames {
			st.buffer = append(st.buffer, f)
		} else {
			st.t.AudioFramesLost++
		}
		st.mu.Unlock()
		return
	}
	st.flushBuffered(p)
	st.sendAudio(p, f)
}

// flushBuffered sends the audio buffered before the first connect. Only the
// pump sends audio, so buffered frames always precede live ones.
func (st *rtmsStream) flushBuffered(p *rtmsPeer) {
	st.mu.Lock()
	buf := st.buffer
	st.buffer = nil
	st.connected = true
	st.mu.Unlock()
	for _, f := range buf {
		st.sendAudio(p, f)
	}
}

func (st *rtmsStream) sendAudio(p *rtmsPeer, f int) {
	data := st.tone.frame(f)
	err := p.send(map[string]any{
		"msg_type": 14, "user_id": 0, "user_name": "", "length": len(data),
		"data": base64.StdEncoding.EncodeToString(data), "timestamp": st.ms(f * rtmsFrameMS),
	})
	st.mu.Lock()
	defer st.mu.Unlock()
	if err != nil {
		st.t.AudioFramesLost++
		return
	}
	st.audioHash.Write(data)
	st.t.AudioFramesSent++
	st.t.AudioBytesSent += int64(len(data))
}

func (st *rtmsStream) emitTranscript(k, at int) {
	sp := st.speakers[(k-1)%len(st.speakers)]
	st.event(2, map[string]any{"event_type": 2, "timestamp": st.ms(at - st.spec.TranscriptEveryMS), "user_id": sp.ID, "user_name": sp.Name})
	p := st.target(8)
	if p == nil {
		return
	}
	seg := RTMSTruthSegment{
		UserID: sp.ID, UserName: sp.Name, StartTime: st.ms(at - st.spec.TranscriptEveryMS), EndTime: st.ms(at),
		Language: "en", Text: rtmsTranscriptText(st.id, k),
	}
	err := p.send(map[string]any{
		"msg_type": 17, "user_id": seg.UserID, "user_name": seg.UserName, "start_time": seg.StartTime,
		"end_time": seg.EndTime, "timestamp": seg.EndTime, "language": seg.Language,
		"data": base64.StdEncoding.EncodeToString([]byte(seg.Text)), "length": len(seg.Text),
	})
	if err == nil {
		st.mu.Lock()
		st.t.Transcript = append(st.t.Transcript, seg)
		st.mu.Unlock()
	}
}

func (st *rtmsStream) emitVideo(k, at int) {
	p := st.target(2)
	if p == nil {
		return
	}
	data := rtmsVideoFrame(k)
	sp := st.speakers[0]
	err := p.send(map[string]any{
		"msg_type": 15, "user_id": sp.ID, "user_name": sp.Name, "length": len(data),
		"data": base64.StdEncoding.EncodeToString(data), "timestamp": st.ms(at),
	})
	if err == nil {
		sum := sha256.Sum256(data)
		st.mu.Lock()
		st.t.Frames = append(st.t.Frames, RTMSTruthFrame{Timestamp: st.ms(at), Length: len(data), SHA256: hex.EncodeToString(sum[:])})
		st.mu.Unlock()
	}
}

// event sends an EVENT_UPDATE on signalling when the client subscribed to it.
func (st *rtmsStream) event(typ int, ev map[string]any) {
	st.mu.Lock()
	sig, ok := st.sig, st.subscribed[typ]
	if !st.ready {
		sig = nil
	}
	st.mu.Unlock()
	if sig != nil && ok {
		_ = sig.send(map[string]any{"msg_type": 6, "event": ev}) // a dead socket is the reader's to notice
	}
}

func (st *rtmsStream) truth() RTMSTruth {
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.t
	t.AudioMediaSHA256 = hex.EncodeToString(st.audioHash.Sum(nil))
	t.Transcript = slices.Clone(t.Transcript)
	t.Frames = slices.Clone(t.Frames)
	return t
}
