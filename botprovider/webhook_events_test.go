package botprovider

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestParseStatusEventCurrentShape(t *testing.T) {
	body := `{
	  "event": "bot.recording_permission_denied",
	  "data": {
	    "data": {"code": "recording_permission_denied", "sub_code": "zoom_local_recording_disabled", "updated_at": "2026-05-01T09:30:00.123456+00:00"},
	    "bot": {"id": "b-1", "metadata": {"tenant": "acme", "meeting": "812"}},
	    "future_field": 1
	  }
	}`
	ev, err := ParseStatusEvent([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := &StatusEvent{
		Event: "bot.recording_permission_denied", BotID: "b-1",
		Code: StatusRecordingPermissionDenied, SubCode: SubCodeZoomLocalRecordingDisabled,
		At:       time.Date(2026, 5, 1, 9, 30, 0, 123456000, time.UTC),
		Metadata: Metadata{"tenant": "acme", "meeting": "812"},
	}
	if !reflect.DeepEqual(ev, want) {
		t.Errorf("got  %+v\nwant %+v", ev, want)
	}
}

func TestParseStatusEventCurrentShapeNullsAndDerivedCode(t *testing.T) {
	ev, err := ParseStatusEvent([]byte(`{"event":"bot.in_call_recording","data":{"bot":{"id":"b-2","metadata":null},"data":{"code":"in_call_recording","sub_code":null,"updated_at":"2026-05-01T09:30:00Z"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Code != StatusInCallRecording || ev.SubCode != "" || ev.Metadata != nil || ev.BotID != "b-2" {
		t.Errorf("event = %+v", ev)
	}
	// No inner data object: the code comes from the event name.
	ev, err = ParseStatusEvent([]byte(`{"event":"bot.joining_call","data":{"bot":{"id":"b-3"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Code != StatusJoiningCall || !ev.At.IsZero() {
		t.Errorf("derived event = %+v", ev)
	}
}

func TestParseStatusEventLegacyShape(t *testing.T) {
	body := `{
	  "event": "bot.status_change",
	  "data": {
	    "bot_id": "b-legacy",
	    "status": {"code": "call_ended", "created_at": "2023-04-28T08:51:37.741790Z", "sub_code": "bot_kicked_from_call",
	               "message": "The bot was kicked from the call.", "recording_id": "rec-9"}
	  }
	}`
	ev, err := ParseStatusEvent([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := &StatusEvent{
		Event: EventBotStatusChange, BotID: "b-legacy", Code: StatusCallEnded, SubCode: SubCodeBotKickedFromCall,
		Message: "The bot was kicked from the call.", At: time.Date(2023, 4, 28, 8, 51, 37, 741790000, time.UTC),
		RecordingID: "rec-9",
	}
	if !reflect.DeepEqual(ev, want) {
		t.Errorf("got  %+v\nwant %+v", ev, want)
	}
	ev, err = ParseStatusEvent([]byte(`{"event":"bot.status_change","data":{"bot_id":"b","status":{"code":"joining_call","created_at":"2023-04-28T08:51:37","sub_code":null,"message":null}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ev.SubCode != "" || ev.Message != "" || ev.RecordingID != "" || !ev.At.Equal(time.Date(2023, 4, 28, 8, 51, 37, 0, time.UTC)) {
		t.Errorf("legacy with nulls = %+v", ev)
	}
}

func TestParseStatusEventRejects(t *testing.T) {
	for name, tc := range map[string]struct {
		body string
		want error
	}{
		"recording event":   {`{"event":"recording.done","data":{"bot":{"id":"b"},"data":{"code":"done"}}}`, ErrNotStatusEvent},
		"transcript event":  {`{"event":"transcript.done","data":{}}`, ErrNotStatusEvent},
		"not json":          {`nope`, ErrMalformedEvent},
		"no event":          {`{"data":{}}`, ErrMalformedEvent},
		"no data":           {`{"event":"bot.done"}`, ErrMalformedEvent},
		"null data":         {`{"event":"bot.done","data":null}`, ErrMalformedEvent},
		"no bot":            {`{"event":"bot.done","data":{"data":{"code":"done"}}}`, ErrMalformedEvent},
		"empty bot id":      {`{"event":"bot.done","data":{"bot":{"id":""}}}`, ErrMalformedEvent},
		"legacy no status":  {`{"event":"bot.status_change","data":{"bot_id":"b"}}`, ErrMalformedEvent},
		"legacy no code":    {`{"event":"bot.status_change","data":{"bot_id":"b","status":{"code":""}}}`, ErrMalformedEvent},
		"legacy no bot id":  {`{"event":"bot.status_change","data":{"status":{"code":"done"}}}`, ErrMalformedEvent},
		"bad time":          {`{"event":"bot.done","data":{"bot":{"id":"b"},"data":{"code":"done","updated_at":"yesterday"}}}`, ErrMalformedEvent},
		"sub_code a number": {`{"event":"bot.fatal","data":{"bot":{"id":"b"},"data":{"code":"fatal","sub_code":5}}}`, ErrMalformedEvent},
	} {
		_, err := ParseStatusEvent([]byte(tc.body))
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
}

func TestNumericBotIDAccepted(t *testing.T) {
	ev, err := ParseStatusEvent([]byte(`{"event":"bot.done","data":{"bot":{"id":42},"data":{"code":"done"}}}`))
	if err != nil || ev.BotID != "42" {
		t.Fatalf("ev %+v err %v", ev, err)
	}
}

func TestStatusHelpers(t *testing.T) {
	if !IsTerminal(StatusDone) || !IsTerminal(StatusFatal) || IsTerminal(StatusCallEnded) || IsTerminal("something_new") {
		t.Error("IsTerminal wrong")
	}
	if DescribeSubCode(SubCodeZoomLocalRecordingDisabled) == "" || DescribeSubCode("brand_new_sub_code") != "" {
		t.Error("DescribeSubCode wrong")
	}
}
