package activities

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"path"
	"regexp"
	"strconv"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/rtms"
	"github.com/meetvault/meetvault/store"
)

// RTMSConfig configures RTMS captures (MEETVAULT_RTMS_*).
type RTMSConfig struct {
	// Media is the media_type bitmask asked for (default audio+transcript).
	Media int
	// SegmentBytes caps the bytes a capture holds per kind before it writes
	// them (default 960,000: 30 s of 16 kHz L16 audio, one object under 1 MiB).
	SegmentBytes int
	// SegmentAge writes what a capture holds at least this often (default 30 s):
	// the most a worker crash can lose.
	SegmentAge time.Duration
	// AllowInsecureLoopback lets the client use ws:// to a loopback host
	// (the local simulator); never for real Zoom.
	AllowInsecureLoopback bool
}

// RTMSActivities are the RTMS capture activities, registered apart from
// Activities because their capture runs on its own task queue.
type RTMSActivities struct {
	Store   *store.Store
	Archive *archive.Store
	Config  RTMSConfig
	Logger  *slog.Logger
}

func (a *RTMSActivities) cfg() RTMSConfig {
	c := a.Config
	if c.Media == 0 {
		c.Media = int(rtms.MediaAudio | rtms.MediaTranscript)
	}
	if c.SegmentBytes <= 0 {
		c.SegmentBytes = 960000
	}
	if c.SegmentAge <= 0 {
		c.SegmentAge = 30 * time.Second
	}
	return c
}

// ErrRTMSCredentials is the error type of a tenant without app credentials.
const ErrRTMSCredentials = "rtms_credentials"

// CaptureRTMS connects to one stream and writes its media into S3 as it
// arrives until the stream ends or the connection is lost. It heartbeats its
// durable state; a retry after a worker crash resumes from it (new segments,
// the outage recorded as an interruption and an audio gap). Cancelled (a
// failover's new URL), it writes what it holds and returns the state as
// the cancellation's details.
func (a *RTMSActivities) CaptureRTMS(ctx context.Context, in CaptureRTMSInput) (CaptureRTMSResult, error) {
	cfg := a.cfg()
	state := in.State
	now := time.Now().UTC()
	if activity.HasHeartbeatDetails(ctx) {
		var hb RTMSCaptureState
		if err := activity.GetHeartbeatDetails(ctx, &hb); err == nil {
			state = hb
			state.Interruptions = append(state.Interruptions, RTMSInterruption{
				Start: hb.CheckpointAt, End: now, Cause: "worker_restart"})
			state.Reconnected = true
		}
	} else if in.Cause != "" && len(state.Interruptions) > 0 && state.Interruptions[len(state.Interruptions)-1].End.IsZero() {
		state.Interruptions[len(state.Interruptions)-1].End = now
	}
	t, err := a.Store.Tenant(ctx, in.Stream.TenantID)
	if err != nil {
		return CaptureRTMSResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("rtms: tenant %s: %v", in.Stream.TenantID, err), ErrTenantUnknown, err)
	}
	if t.ZoomClientID == "" || t.ZoomClientSecret == "" {
		return CaptureRTMSResult{}, temporal.NewNonRetryableApplicationError(
			"rtms: tenant "+t.ID+" has no client id/secret: the RTMS signature needs them (starter tenant add)", ErrRTMSCredentials, nil)
	}
	// Segments a crashed attempt wrote after its last heartbeat reached the
	// server are in S3 but not in the state: numbering continues after them
	// (the archive never overwrites; FinishRTMS lists them as unlisted).
	if err := a.skipWrittenSegments(ctx, in.Stream, &state); err != nil {
		return CaptureRTMSResult{}, err
	}
	c, err := newRTMSCapture(a.Archive, in.Stream, state, cfg)
	if err != nil {
		return CaptureRTMSResult{}, err
	}
	media := in.Media
	if media == 0 {
		media = cfg.Media
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go c.keepDurable(runCtx, ctx, cfg.SegmentAge, cancel)
	err = rtms.Run(runCtx, rtms.Config{
		ClientID: t.ZoomClientID, ClientSecret: t.ZoomClientSecret,
		MeetingUUID: in.Stream.MeetingUUID, SessionID: in.Stream.SessionID, StreamID: in.Stream.StreamID,
		SignalingURL: in.SignalingURL, Media: rtms.MediaType(media),
		AllowInsecureLoopback: cfg.AllowInsecureLoopback, Logger: a.Logger,
	}, c)
	cancel()
	// Whatever ended the session, what is held is written now; a context that
	// was cancelled still gets the time to do it.
	wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer wcancel()
	if ferr := c.checkpoint(wctx); ferr != nil {
		return CaptureRTMSResult{}, fmt.Errorf("rtms: writing the capture's last segments: %w", ferr)
	}
	// A retry (worker shutdown, a failed write) resumes after this checkpoint,
	// not an older one: the SDK sends the last details with the failure.
	activity.RecordHeartbeat(ctx, c.durable())
	if herr := c.handlerErr(); herr != nil {
		return CaptureRTMSResult{}, herr // S3 trouble mid-stream: the retry resumes from the heartbeat
	}
	res := CaptureRTMSResult{State: c.durable()}
	var ended *rtms.EndedError
	var refused *rtms.HandshakeError
	switch {
	case errors.As(err, &ended):
		res.Outcome, res.StopReason, res.Message = RTMSEnded, int(ended.Reason), ended.Error()
	case errors.As(err, &refused) && refused.Permanent():
		res.Outcome, res.Message = RTMSRefused, refused.Error()
	case ctx.Err() != nil:
		return res, temporal.NewCanceledError(res)
	case err != nil:
		res.Outcome, res.Message = RTMSLost, err.Error()
		res.State.Interruptions = append(res.State.Interruptions, RTMSInterruption{Start: time.Now().UTC(), Cause: "connection_lost"})
		res.State.Reconnected = true
	}
	return res, nil
}

// rtmsCapture is the rtms.Handler of one connection episode.
type rtmsCapture struct {
	ar     *archive.Store
	stream RTMSStream
	cfg    RTMSConfig
	prefix string

	mu         sync.Mutex
	st         RTMSCaptureState
	audioHash  hash.Hash
	audio      *rtmsSegment
	transcript *rtmsSegment
	events     *rtmsSegment
	video      *rtmsSegment
	herr       error // the first handler error (S3)
	durableSt  RTMSCaptureState
}

func newRTMSCapture(ar *archive.Store, s RTMSStream, st RTMSCaptureState, cfg RTMSConfig) (*rtmsCapture, error) {
	h, err := restoreSHA256(st.AudioHash)
	if err != nil {
		return nil, err
	}
	if st.Seq == nil {
		st.Seq = map[string]int{}
	}
	c := &rtmsCapture{
		ar: ar, stream: s, cfg: cfg, prefix: rtmsKeyPrefix(s), st: st, audioHash: h,
		audio:      newRTMSSegment("audio", "wav", "audio/wav").withHeader(44, cfg.SegmentBytes),
		transcript: newRTMSSegment("transcript", "jsonl", "application/x-ndjson"),
		events:     newRTMSSegment("events", "jsonl", "application/x-ndjson"),
		video:      newRTMSSegment("video", "bin", "application/octet-stream"),
	}
	c.durableSt = c.snapshot()
	return c, nil
}

const pcmBytesPerMS = 32 // 16 kHz × 16 bit mono

func (c *rtmsCapture) OnAudio(a rtms.Audio) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.st.AudioNextMS != 0 {
		switch {
		case a.Timestamp < c.st.AudioNextMS-10:
			c.st.Duplicates++ // already written (a replay after a reconnect)
			return nil
		case a.Timestamp > c.st.AudioNextMS+10:
			if err := c.fillSilence(a.Timestamp); err != nil {
				return err
			}
		}
	} else {
		c.st.AudioFirst = a.Timestamp
	}
	c.st.Reconnected = false
	c.audio.buf.Write(a.Data)
	c.audio.media.Write(a.Data)
	c.audioHash.Write(a.Data)
	c.audio.items++
	c.audio.span(a.Timestamp)
	c.st.AudioBytes += int64(len(a.Data))
	c.st.AudioNextMS = a.Timestamp + int64(len(a.Data)/pcmBytesPerMS)
	c.audio.endMS = c.st.AudioNextMS
	return c.maybeCheckpoint(c.audio)
}

// fillSilence writes zero samples from AudioNextMS up to until and records
// the gap; the fill is in the WAV but not in media-sha256.
func (c *rtmsCapture) fillSilence(until int64) error {
	reason := "no_audio"
	if c.st.Reconnected {
		reason = "disconnected"
	}
	c.st.Gaps = append(c.st.Gaps, RTMSGap{StartMS: c.st.AudioNextMS, EndMS: until, Reason: reason})
	zero := make([]byte, 20*pcmBytesPerMS)
	for c.st.AudioNextMS < until {
		n := min(int64(len(zero)), (until-c.st.AudioNextMS)*pcmBytesPerMS)
		c.audio.span(c.st.AudioNextMS)
		c.audio.buf.Write(zero[:n])
		c.st.FillBytes += n
		c.st.AudioNextMS += n / pcmBytesPerMS
		c.audio.endMS = c.st.AudioNextMS
		if err := c.maybeCheckpoint(c.audio); err != nil {
			return err
		}
	}
	return nil
}

func (c *rtmsCapture) OnTranscript(t rtms.Transcript) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	line, _ := json.Marshal(t)
	c.transcript.buf.Write(append(line, '\n'))
	c.transcript.media.Write([]byte(t.Text))
	c.transcript.items++
	c.transcript.span(t.StartTime)
	c.transcript.span(t.EndTime)
	c.st.Transcripts++
	return c.maybeCheckpoint(c.transcript)
}

// rtmsFrameIndex is one line of a video chunk's index.
type rtmsFrameIndex struct {
	Offset    int64  `json:"offset"`
	Length    int    `json:"length"`
	Timestamp int64  `json:"timestamp"`
	Kind      string `json:"kind"` // video or share
	UserID    int64  `json:"user_id"`
	UserName  string `json:"user_name,omitempty"`
	SHA256    string `json:"sha256"`
}

func (c *rtmsCapture) OnFrame(f rtms.Frame) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	kind := "video"
	if f.Kind == rtms.MediaDeskshare {
		kind = "share"
	}
	sum := sha256.Sum256(f.Data)
	line, _ := json.Marshal(rtmsFrameIndex{Offset: int64(c.video.size()), Length: len(f.Data), Timestamp: f.Timestamp,
		Kind: kind, UserID: f.UserID, UserName: f.UserName, SHA256: fmt.Sprintf("%x", sum)})
	c.video.index.Write(append(line, '\n'))
	c.video.buf.Write(f.Data)
	c.video.media.Write(f.Data)
	c.video.items++
	c.video.span(f.Timestamp)
	c.st.Frames++
	return c.maybeCheckpoint(c.video)
}

// rtmsEventLine is one line of the events object.
type rtmsEventLine struct {
	Kind  string      `json:"kind"` // event or state
	Event *rtms.Event `json:"event,omitempty"`
	State *rtms.State `json:"state,omitempty"`
	At    time.Time   `json:"received_at"`
}

func (c *rtmsCapture) OnEvent(e rtms.Event) error {
	return c.writeEvent(rtmsEventLine{Kind: "event", Event: &e, At: time.Now().UTC()}, e.Timestamp)
}

func (c *rtmsCapture) OnState(s rtms.State) error {
	c.mu.Lock()
	if s.Kind == "media_lost" {
		c.st.Reconnected = true
		c.st.Interruptions = append(c.st.Interruptions, RTMSInterruption{Start: time.Now().UTC(), Cause: "media_lost"})
	}
	if s.Kind == "media_reconnected" {
		if n := len(c.st.Interruptions); n > 0 && c.st.Interruptions[n-1].End.IsZero() {
			c.st.Interruptions[n-1].End = time.Now().UTC()
		}
	}
	c.mu.Unlock()
	return c.writeEvent(rtmsEventLine{Kind: "state", State: &s, At: time.Now().UTC()}, s.Timestamp)
}

func (c *rtmsCapture) writeEvent(l rtmsEventLine, ts int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	line, _ := json.Marshal(l)
	line = append(line, '\n')
	c.events.buf.Write(line)
	c.events.media.Write(line)
	c.events.items++
	if ts > 0 {
		c.events.span(ts)
	}
	c.st.Events++
	return c.maybeCheckpoint(c.events)
}

// maybeCheckpoint writes everything held once seg is full. Called with mu held.
func (c *rtmsCapture) maybeCheckpoint(seg *rtmsSegment) error {
	if c.herr != nil {
		return c.herr
	}
	if seg.size() < c.cfg.SegmentBytes {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.checkpointLocked(ctx); err != nil {
		c.herr = err
		return err
	}
	return nil
}

func (c *rtmsCapture) handlerErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.herr
}

func (c *rtmsCapture) checkpoint(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.herr != nil {
		return nil // reported by handlerErr
	}
	return c.checkpointLocked(ctx)
}

// checkpointLocked writes every non-empty segment, then makes the state
// durable: a checkpoint is the only point a retry can resume from, so all
// kinds are written together and the state always matches S3.
func (c *rtmsCapture) checkpointLocked(ctx context.Context) error {
	for _, seg := range []*rtmsSegment{c.audio, c.transcript, c.events, c.video} {
		if seg.empty() {
			continue
		}
		if err := c.writeSegment(ctx, seg); err != nil {
			return err
		}
	}
	c.st.AudioHash = hashState(c.audioHash)
	c.st.CheckpointAt = time.Now().UTC()
	c.durableSt = c.snapshot()
	return nil
}

func (c *rtmsCapture) writeSegment(ctx context.Context, seg *rtmsSegment) error {
	seq := c.st.Seq[seg.kind] + 1
	body := seg.buf.Bytes()
	if seg.header > 0 {
		copy(body, wavHeader(len(body)-seg.header)) // the space reserved at reset
	}
	key := fmt.Sprintf("%s%s-%05d.%s", c.prefix, seg.kind, seq, seg.ext)
	media := hexSum(seg.media)
	res, err := putObject(ctx, c.ar, c.stream, key, seg.contentType, rtmsFileID(c.stream.StreamID, seg.kind, seq), media, body)
	if err != nil {
		return fmt.Errorf("rtms: write %s: %w", key, err)
	}
	c.st.Segments = append(c.st.Segments, RTMSSegment{
		Kind: seg.kind, Seq: seq, Key: key, Size: res.Size, SHA256: res.SHA256, MediaSHA256: media,
		VersionID: res.VersionID, Checksum: res.ChecksumSHA256, StartMS: seg.startMS, EndMS: seg.endMS, Items: seg.items,
	})
	if seg.kind == "video" {
		idx := seg.index.Bytes()
		ikey := fmt.Sprintf("%svideo-%05d.index.jsonl", c.prefix, seq)
		isum := sha256.Sum256(idx)
		ires, err := putObject(ctx, c.ar, c.stream, ikey, "application/x-ndjson", rtmsFileID(c.stream.StreamID, "video_index", seq), fmt.Sprintf("%x", isum), idx)
		if err != nil {
			return fmt.Errorf("rtms: write %s: %w", ikey, err)
		}
		c.st.Segments = append(c.st.Segments, RTMSSegment{
			Kind: "video_index", Seq: seq, Key: ikey, Size: ires.Size, SHA256: ires.SHA256, MediaSHA256: fmt.Sprintf("%x", isum),
			VersionID: ires.VersionID, Checksum: ires.ChecksumSHA256, StartMS: seg.startMS, EndMS: seg.endMS, Items: seg.items,
		})
	}
	c.st.Seq[seg.kind] = seq
	seg.reset()
	return nil
}

// snapshot copies the state (slices and map included). Called with mu held.
func (c *rtmsCapture) snapshot() RTMSCaptureState {
	s := c.st
	s.Segments = append([]RTMSSegment(nil), c.st.Segments...)
	s.Gaps = append([]RTMSGap(nil), c.st.Gaps...)
	s.Interruptions = append([]RTMSInterruption(nil), c.st.Interruptions...)
	s.Seq = make(map[string]int, len(c.st.Seq))
	for k, v := range c.st.Seq {
		s.Seq[k] = v
	}
	return s
}

func (c *rtmsCapture) durable() RTMSCaptureState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.durableSt
}

// keepDurable heartbeats the durable state every few seconds and writes what
// is held at least every age; a failed write ends the session.
func (c *rtmsCapture) keepDurable(runCtx, actCtx context.Context, age time.Duration, stop func()) {
	hb := time.NewTicker(2 * time.Second)
	defer hb.Stop()
	last := time.Now()
	for {
		select {
		case <-runCtx.Done():
			return
		case <-hb.C:
		}
		if time.Since(last) >= age {
			last = time.Now()
			// Not runCtx: a write under way when the session ends completes.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(runCtx), time.Minute)
			c.mu.Lock()
			if err := c.checkpointLocked(ctx); err != nil && c.herr == nil {
				c.herr = err
			}
			failed := c.herr != nil
			c.mu.Unlock()
			cancel()
			if failed {
				stop()
				return
			}
		}
		activity.RecordHeartbeat(actCtx, c.durable())
	}
}

// segmentKey parses "{kind}-{NNNNN}.{ext}" (and video's ".index.jsonl").
var segmentKey = regexp.MustCompile(`^(audio|transcript|events|video)-(\d{5})\.`)

// skipWrittenSegments raises the state's next segment numbers past every
// segment already under the stream's prefix.
func (a *RTMSActivities) skipWrittenSegments(ctx context.Context, s RTMSStream, st *RTMSCaptureState) error {
	keys, err := listKeys(ctx, a.Archive.Client(), a.Archive.Bucket(), rtmsKeyPrefix(s))
	if err != nil {
		return err
	}
	if st.Seq == nil {
		st.Seq = map[string]int{}
	}
	for _, k := range keys {
		m := segmentKey.FindStringSubmatch(path.Base(k))
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		st.Seq[m[1]] = max(st.Seq[m[1]], n)
	}
	return nil
}
