package zoomsim

import "fmt"

// ScenarioRTMS makes a scenario meeting stream over RTMS. The stream starts
// when POST /_sim/rtms/start names the meeting (so tests decide when) and
// runs on the wall clock, like live meetings: durations are milliseconds of
// the stream's media timeline, measured from its rtms_started.
type ScenarioRTMS struct {
	// DurationMS is how long the stream runs before it stops with
	// StopReason (default 4000).
	DurationMS int `json:"duration_ms,omitempty"`
	// StopReason of the natural end (default 6 MEETING_ENDED).
	StopReason int `json:"stop_reason,omitempty"`
	// MutedMS are [from, to) intervals of the timeline where everyone is
	// muted: Zoom sends no audio packets then.
	MutedMS [][2]int `json:"muted_ms,omitempty"`
	// TranscriptEveryMS is the length of one speaker turn (default 1000).
	TranscriptEveryMS int `json:"transcript_every_ms,omitempty"`
	// VideoFPS is the rate of JPG video frames (default 2; -1 none).
	VideoFPS int `json:"video_fps,omitempty"`
	// KeepAliveMS is the keep-alive interval on both sockets (default 10000).
	KeepAliveMS int `json:"keep_alive_ms,omitempty"`
	// Faults are injected at a point of the timeline.
	Faults []ScenarioRTMSFault `json:"faults,omitempty"`
}

// ScenarioRTMSFault is one injected fault (also POST /_sim/rtms/fault).
type ScenarioRTMSFault struct {
	AtMS int `json:"at_ms,omitempty"`
	// Kind is drop_media (the media socket closes; stream state INTERRUPTED
	// reason 14 on signalling), drop_both (both sockets close;
	// rtms_interrupted), failover (the server dies; a second rtms_started
	// names a new one) or stop (the stream stops with Reason, e.g. 8
	// STREAM_REVOKED).
	Kind   string `json:"kind"`
	Reason int    `json:"reason,omitempty"`
}

func (f ScenarioRTMSFault) validate() error {
	switch f.Kind {
	case "drop_media", "drop_both", "failover", "stop":
		return nil
	}
	return fmt.Errorf("rtms fault kind %q: want drop_media, drop_both, failover or stop", f.Kind)
}

// filled returns the spec with defaults.
func (r ScenarioRTMS) filled() (ScenarioRTMS, error) {
	if r.DurationMS == 0 {
		r.DurationMS = 4000
	}
	if r.StopReason == 0 {
		r.StopReason = 6
	}
	if r.TranscriptEveryMS == 0 {
		r.TranscriptEveryMS = 1000
	}
	if r.VideoFPS == 0 {
		r.VideoFPS = 2
	}
	if r.KeepAliveMS == 0 {
		r.KeepAliveMS = 10000
	}
	if r.DurationMS < 0 || r.TranscriptEveryMS < 0 || r.KeepAliveMS < 0 || r.VideoFPS > 5 {
		return r, fmt.Errorf("rtms: negative durations or video_fps above 5 (JPG)")
	}
	for _, f := range r.Faults {
		if err := f.validate(); err != nil {
			return r, err
		}
	}
	return r, nil
}
