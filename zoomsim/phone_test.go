package zoomsim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"testing"
	"time"
)

func phoneTestScenario(now time.Time) Scenario {
	late := now.Add(time.Hour)
	return Scenario{Seed: 5, Accounts: []ScenarioAccount{{
		AccountID: acctID, ClientID: clientA, ClientSecret: secretA,
		Users: []ScenarioUser{{ID: hostID, Email: hostMail, FirstName: "Ada", LastName: "Host"}, {Email: "bob@acme.example"}},
		PhoneCalls: []ScenarioPhoneCall{
			{ID: "rec-a", DateTime: now.Add(-30 * time.Hour), Direction: "inbound", PeerNumber: "+15550001111", PeerName: "Carol"},
			{ID: "rec-b", DateTime: now.Add(-3 * time.Hour), Direction: "outbound", Duration: 10},
			{ID: "rec-late", DateTime: now.Add(-2 * time.Hour), AvailableAt: &late},
			{ID: "rec-bob", OwnerID: "bob@acme.example", DateTime: now.Add(-time.Hour), PeerInternal: true},
		},
	}}}
}

func phoneWindow(now time.Time) string {
	return "from=" + now.AddDate(0, 0, -2).Format(time.DateOnly) + "&to=" + now.Format(time.DateOnly)
}

// The listing filters by the call's date and the recording's availability,
// pages with next_page_token, and refuses windows over a month; a late
// recording appears under its call's date once available.
func TestPhoneRecordingsListing(t *testing.T) {
	now := time.Now().UTC()
	sim := newTestSim(t, phoneTestScenario(now))
	tok := sim.token(0)
	var list phoneRecordingsResponse
	if st := sim.get("/v2/phone/recordings?"+phoneWindow(now), tok, &list); st != 200 {
		t.Fatalf("status %d", st)
	}
	ids := func(l phoneRecordingsResponse) (out []string) {
		for _, r := range l.Recordings {
			out = append(out, r.ID)
		}
		return out
	}
	if got := ids(list); len(got) != 3 || got[0] != "rec-bob" || got[2] != "rec-a" {
		t.Fatalf("listed %v, want rec-bob, rec-b, rec-a (newest first, rec-late not yet available)", got)
	}
	a := list.Recordings[2]
	if a.Direction != "inbound" || a.CallerNumber != "+15550001111" || a.CallerName != "Carol" || a.CallerNumberType != 2 ||
		a.CalleeName != "Ada Host" || a.CalleeNumberType != 1 || a.Owner.ID != hostID || a.Owner.ExtensionNumber != 100 ||
		a.Duration != 120 || a.CallID == "" || a.DownloadURL == "" || a.EndTime == "" {
		t.Fatalf("inbound call rendered as %+v", a)
	}
	if bob := list.Recordings[0]; bob.Owner.ExtensionNumber != 101 || bob.CallerNumberType != 1 || bob.CalleeNumberType != 1 {
		t.Fatalf("internal call of the second user rendered as %+v", bob)
	}

	var page phoneRecordingsResponse
	sim.get("/v2/phone/recordings?page_size=2&"+phoneWindow(now), tok, &page)
	if len(page.Recordings) != 2 || page.NextPageToken == "" || page.TotalRecords != 3 {
		t.Fatalf("first page: %d recordings, token %q, total %d", len(page.Recordings), page.NextPageToken, page.TotalRecords)
	}
	var rest phoneRecordingsResponse
	sim.get("/v2/phone/recordings?page_size=2&next_page_token="+url.QueryEscape(page.NextPageToken)+"&"+phoneWindow(now), tok, &rest)
	if got := ids(rest); len(got) != 1 || got[0] != "rec-a" || rest.NextPageToken != "" {
		t.Fatalf("second page %v, token %q", got, rest.NextPageToken)
	}

	var mine phoneRecordingsResponse
	sim.get("/v2/phone/users/bob@acme.example/recordings?"+phoneWindow(now), tok, &mine)
	if got := ids(mine); len(got) != 1 || got[0] != "rec-bob" {
		t.Fatalf("bob's recordings: %v", got)
	}
	if st := sim.get("/v2/phone/recordings?from=2026-01-01&to=2026-03-01", tok, nil); st != 400 {
		t.Fatalf("a window over a month: status %d, want 400", st)
	}

	sim.AdvanceClock(2 * time.Hour)
	tok = sim.token(0)
	sim.get("/v2/phone/recordings?"+phoneWindow(now), tok, &list)
	if got := ids(list); len(got) != 4 || got[1] != "rec-late" {
		t.Fatalf("after the late recording became available: %v", got)
	}
	for _, c := range sim.Truth(false).Conversations {
		want := map[string]int64{"rec-a": 3, "rec-b": 3, "rec-late": 1, "rec-bob": 4}[c.ConversationUUID]
		if c.Source != sourcePhone || c.Call == nil || c.Call.TimesListed != want {
			t.Fatalf("truth of %s: source %q, call %+v; want listed %d times", c.ConversationUUID, c.Source, c.Call, want)
		}
	}
}

// Downloads serve a deterministic MP3 (ID3 tag, 48 kHz mono frame header)
// of the truth's size and SHA-256, only for the account's token.
func TestPhoneRecordingDownload(t *testing.T) {
	now := time.Now().UTC()
	sim := newTestSim(t, phoneTestScenario(now))
	tok := sim.token(0)
	var list phoneRecordingsResponse
	sim.get("/v2/phone/recordings?"+phoneWindow(now), tok, &list)
	rec := list.Recordings[1] // rec-b, 10 s
	st, hdr, body := fetch(t, rec.DownloadURL, map[string]string{"Authorization": "Bearer " + tok})
	if st != 200 || hdr.Get("Content-Type") != "audio/mpeg" || !bytes.HasPrefix(body, mp3Header) {
		t.Fatalf("download: status %d, type %q, head %x", st, hdr.Get("Content-Type"), body[:min(16, len(body))])
	}
	if len(body) != 10*phoneBytesPerSecond {
		t.Fatalf("size %d, want %d", len(body), 10*phoneBytesPerSecond)
	}
	sum := sha256.Sum256(body)
	if got := sim.FileSHA256(rec.ID); got != hex.EncodeToString(sum[:]) {
		t.Fatalf("truth SHA-256 %s differs from the bytes served", got)
	}
	_, _, again := fetch(t, withToken(rec.DownloadURL, tok), nil)
	if !bytes.Equal(again, body) {
		t.Fatal("the same recording downloaded twice differs")
	}
	if st, _, _ := fetch(t, rec.DownloadURL, nil); st != 401 {
		t.Fatalf("download without a token: status %d, want 401", st)
	}
	for _, f := range sim.Truth(true).Files {
		if f.FileID == rec.ID && (f.Source != sourcePhone || f.SHA256 != hex.EncodeToString(sum[:]) || f.FileType != "MP3") {
			t.Fatalf("truth file %+v", f)
		}
	}
}

// Zoom Phone has its own rate-limit table: a spent phone Medium limit
// refuses phone listings while the main API's Medium endpoints still answer.
func TestPhoneRateLimitsAreSeparate(t *testing.T) {
	now := time.Now().UTC()
	sim := newTestSim(t, phoneTestScenario(now))
	tok := sim.token(0)
	zero := map[string]int{labelMedium: 0}
	if st := sim.post("/_sim/ratelimits", RateLimitsRequest{AccountID: acctID, RateLimits: RateLimits{Phone: &LimitOverride{PerSecond: zero}}}, nil); st != 200 {
		t.Fatalf("ratelimits: %d", st)
	}
	if st := sim.get("/v2/phone/recordings?"+phoneWindow(now), tok, nil); st != 429 {
		t.Fatalf("phone listing with phone Medium at 0: status %d, want 429", st)
	}
	if st := sim.get("/v2/users", tok, nil); st != 200 {
		t.Fatalf("GET /v2/users (main table) status %d, want 200", st)
	}
}

// Generated scenarios can include phone calls, without changing the
// meetings the same request generates without them.
func TestGeneratedScenarioIncludesPhoneCalls(t *testing.T) {
	req := GenerateRequest{Seed: 9, Users: 3, Meetings: 4, From: "2026-10-01", To: "2026-10-07"}
	plain := newTestSim(t, Scenario{Generate: &req})
	req.PhoneCalls = 6
	withCalls := newTestSim(t, Scenario{Generate: &req})
	meetings := func(tr Truth) (out []string) {
		for _, c := range tr.Conversations {
			if c.Source == sourceMeeting {
				out = append(out, c.ConversationUUID+c.StartTime)
			}
		}
		return out
	}
	a, b := meetings(plain.Truth(false)), meetings(withCalls.Truth(false))
	if len(a) != 4 || len(b) != 4 || a[0] != b[0] || a[3] != b[3] {
		t.Fatalf("meetings changed with phone calls: %v vs %v", a, b)
	}
	phone := 0
	for _, f := range withCalls.Truth(false).Files {
		if f.Source == sourcePhone {
			phone++
			if f.FileType != "MP3" || f.Size <= 0 {
				t.Fatalf("phone file %+v", f)
			}
		}
	}
	if phone != 6 {
		t.Fatalf("%d phone recordings in the truth, want 6", phone)
	}
}

// phone.recording_completed goes to the account's subscription, signed like
// every event, with the recording in the listing's shape; the late one is
// left out of "all" until it is available.
func TestPhoneRecordingCompletedWebhook(t *testing.T) {
	now := time.Now().UTC()
	sim, hr := hookSim(t, phoneTestScenario(now))
	var res WebhookSendResult
	if st := sim.post("/_sim/phone/webhooks/send", PhoneWebhookSendRequest{AccountID: acctID, All: true}, &res); st != 200 || len(res.Events) != 3 {
		t.Fatalf("send: status %d, %d events", st, len(res.Events))
	}
	waitUntil(t, "three phone events", func() bool { return len(hr.events()) == 3 })
	ids := map[string]bool{}
	for _, ev := range hr.events() {
		if err := hr.verify(ev); err != nil {
			t.Fatal(err)
		}
		var body struct {
			Event   string `json:"event"`
			Payload struct {
				AccountID string `json:"account_id"`
				Object    struct {
					Recordings []phoneRecordingJSON `json:"recordings"`
				} `json:"object"`
			} `json:"payload"`
		}
		if err := jsonUnmarshal(ev.body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Event != WebhookPhoneRecordingCompleted || body.Payload.AccountID != acctID || len(body.Payload.Object.Recordings) != 1 {
			t.Fatalf("event %s", ev.body)
		}
		r := body.Payload.Object.Recordings[0]
		if r.DownloadURL == "" || r.CallID == "" {
			t.Fatalf("recording %+v", r)
		}
		ids[r.ID] = true
	}
	if ids["rec-late"] || len(ids) != 3 {
		t.Fatalf("announced %v", ids)
	}

	// A subscription without the phone event gets none.
	if st := sim.post("/_sim/webhooks", map[string]any{"account_id": acctID, "url": hr.srv.URL, "events": []string{WebhookRecordingCompleted}}, nil); st != 200 {
		t.Fatalf("resubscribe: %d", st)
	}
	if st := sim.post("/_sim/phone/webhooks/send", PhoneWebhookSendRequest{AccountID: acctID, RecordingID: "rec-a"}, nil); st == 200 {
		t.Fatal("sent a phone event to a subscription without it")
	}
}
