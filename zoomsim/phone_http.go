package zoomsim

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// mp3Header opens every simulated MP3: an empty ID3v2.4 tag, then the header
// of an MPEG-1 Layer III frame at 32 kbit/s, 48 kHz, mono (what Zoom Phone
// records); the rest of the file is pseudo-random.
var mp3Header = []byte{'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, 0xFF, 0xFB, 0x14, 0xC4}

// phoneRoutes registers the Zoom Phone endpoints. Their requests are
// counted in Zoom Phone's own rate-limit table and daily pool (tableFor).
func (s *Server) phoneRoutes(mux *http.ServeMux) {
	s.rest(mux, "GET /v2/phone/recordings", labelMedium, s.listPhoneRecordings)
	s.rest(mux, "GET /v2/phone/users/{userId}/recordings", labelMedium, s.listUserPhoneRecordings)
	mux.HandleFunc("GET /v2/phone/recording/download/{key}", s.phoneDownload)
	mux.HandleFunc("POST /_sim/phone/webhooks/send", s.adminSendPhoneWebhook)
}

// phoneRecordingJSON is one entry of a Zoom Phone recordings listing (Zoom's
// API reference, "Get call recordings"; @zoom/rivet's typings).
type phoneRecordingJSON struct {
	ID               string         `json:"id"`
	CallID           string         `json:"call_id"`
	CallLogID        string         `json:"call_log_id"`
	CallerNumber     string         `json:"caller_number"`
	CallerNumberType int            `json:"caller_number_type"`
	CallerName       string         `json:"caller_name"`
	CalleeNumber     string         `json:"callee_number"`
	CalleeNumberType int            `json:"callee_number_type"`
	CalleeName       string         `json:"callee_name"`
	Direction        string         `json:"direction"`
	Duration         int            `json:"duration"`
	DownloadURL      string         `json:"download_url"`
	FileURL          string         `json:"file_url"`
	DateTime         string         `json:"date_time"`
	EndTime          string         `json:"end_time"`
	RecordingType    string         `json:"recording_type"`
	Owner            phoneOwnerJSON `json:"owner"`
	Site             phoneSiteJSON  `json:"site"`
	AutoDeletePolicy string         `json:"auto_delete_policy"`
	AutoDelete       bool           `json:"auto_delete"`
}

type phoneOwnerJSON struct {
	Type            string `json:"type"` // user | call queue | auto receptionist ...
	ID              string `json:"id"`
	Name            string `json:"name"`
	ExtensionNumber int    `json:"extension_number"`
}

type phoneSiteJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type phoneRecordingsResponse struct {
	From          string               `json:"from"`
	To            string               `json:"to"`
	PageSize      int                  `json:"page_size"`
	TotalRecords  int                  `json:"total_records"`
	NextPageToken string               `json:"next_page_token"`
	Recordings    []phoneRecordingJSON `json:"recordings"`
}

func renderPhoneRecording(p *phoneCall, base string) phoneRecordingJSON {
	dl := base + "/v2/phone/recording/download/" + p.DownloadKey
	return phoneRecordingJSON{
		ID: p.ID, CallID: p.CallID, CallLogID: p.CallLogID,
		CallerNumber: p.Caller.Number, CallerNumberType: p.Caller.numberType(), CallerName: p.Caller.Name,
		CalleeNumber: p.Callee.Number, CalleeNumberType: p.Callee.numberType(), CalleeName: p.Callee.Name,
		Direction: p.Direction, Duration: p.Duration, DownloadURL: dl, FileURL: dl,
		DateTime: zoomTime(p.DateTime), EndTime: zoomTime(p.end()), RecordingType: p.RecordingType,
		Owner:            phoneOwnerJSON{Type: "user", ID: p.Owner.ID, Name: p.Owner.displayName(), ExtensionNumber: p.Extension},
		Site:             phoneSiteJSON{ID: "site-main", Name: "Main Site"},
		AutoDeletePolicy: "Off",
	}
}

// listPhoneRecordings is GET /v2/phone/recordings: the account's call
// recordings whose date_time falls in from..to (UTC dates, inclusive, at most
// one month; default the last day), newest first. Zoom offers no filter by
// when a recording became available, so a recording that appears late is
// listed under its call's date.
func (s *Server) listPhoneRecordings(w http.ResponseWriter, r *http.Request, c *call) {
	s.listPhone(w, r, c, "account", c.acct.phoneCalls)
}

// listUserPhoneRecordings is GET /v2/phone/users/{userId}/recordings.
func (s *Server) listUserPhoneRecordings(w http.ResponseWriter, r *http.Request, c *call) {
	u := c.acct.findUser(r.PathValue("userId"))
	if u == nil {
		writeAPIError(w, http.StatusNotFound, codeUserNotFound, "User does not exist: "+r.PathValue("userId")+".")
		return
	}
	var mine []*phoneCall
	for _, p := range c.acct.phoneCalls {
		if p.Owner == u {
			mine = append(mine, p)
		}
	}
	s.listPhone(w, r, c, "user/"+u.ID, mine)
}

func (s *Server) listPhone(w http.ResponseWriter, r *http.Request, c *call, scope string, candidates []*phoneCall) {
	q := r.URL.Query()
	today := c.now.UTC().Truncate(24 * time.Hour)
	from, ok := parseDate(w, q.Get("from"), "from", today.AddDate(0, 0, -1))
	if !ok {
		return
	}
	to, ok := parseDate(w, q.Get("to"), "to", today)
	if !ok {
		return
	}
	if to.Before(from) {
		writeAPIError(w, http.StatusBadRequest, codeInvalidField, "The from date cannot be later than the to date.")
		return
	}
	if to.After(addMonths(from, 1)) {
		writeAPIError(w, http.StatusBadRequest, codeInvalidField, "The date range between from and to can only be one month.")
		return
	}
	end := to.AddDate(0, 0, 1)
	var matched []*phoneCall
	for _, p := range candidates {
		if !p.DateTime.Before(from) && p.DateTime.Before(end) && p.available(c.now) && s.trash.fileState(p.file) == trashNone {
			matched = append(matched, p)
		}
	}
	listing := strings.Join([]string{"phone-recordings", scope, from.Format(time.DateOnly), to.Format(time.DateOnly)}, "|")
	pg, ok := s.paginate(w, r, c, listing, len(matched))
	if !ok {
		return
	}
	resp := phoneRecordingsResponse{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), PageSize: pg.size,
		TotalRecords: len(matched), NextPageToken: pg.next, Recordings: []phoneRecordingJSON{}}
	lo, hi := pg.slice(len(matched))
	for _, p := range matched[lo:hi] {
		p.listed.Add(1)
		resp.Recordings = append(resp.Recordings, renderPhoneRecording(p, c.base))
	}
	writeJSON(w, http.StatusOK, resp)
}

// phoneDownload is GET /v2/phone/recording/download/{key}: the MP3, for the
// account's OAuth token ("Authorization: Bearer" or ?access_token=). Like
// meeting downloads it answers 200 text/html when it will not serve the file.
func (s *Server) phoneDownload(w http.ResponseWriter, r *http.Request) {
	const route = "GET /v2/phone/recording/download/{key}"
	wd, now := s.world(), s.clock.Now()
	var p *phoneCall
	for _, a := range wd.accounts {
		if p = a.phoneByKey[r.PathValue("key")]; p != nil {
			break
		}
	}
	if p == nil {
		s.stats.call(route, "", "")
		writeHTMLError(w, http.StatusOK, "Error", "This recording does not exist.")
		return
	}
	s.stats.call(route, "", p.acct.ID)
	if s.trash.fileState(p.file) != trashNone || !p.available(now) {
		writeHTMLError(w, http.StatusOK, "Error", "This recording does not exist.")
		return
	}
	if !s.phoneDownloadAllowed(r, wd, p, now) {
		writeAPIError(w, http.StatusUnauthorized, codeInvalidToken, "Invalid access token.")
		return
	}
	if df := s.faults.forDownload(p.ID); !df.refused(w) {
		s.serveBytes(w, r, wd.seed, p.file, df)
	}
}

// phoneDownloadAllowed accepts the account's OAuth access token, as a bearer
// header or ?access_token=.
func (s *Server) phoneDownloadAllowed(r *http.Request, wd *world, p *phoneCall, now time.Time) bool {
	tok, ok := bearer(r)
	if !ok {
		tok = r.URL.Query().Get("access_token")
	}
	g, found := s.tokens.lookup(tok)
	if tok == "" || !found || (g.kind != tokenS2S && g.kind != tokenUser) || !now.Before(g.expires) {
		return false
	}
	return wd.accountByID[g.accountID] == p.acct
}

// PhoneWebhookSendRequest asks for phone.recording_completed events
// (POST /_sim/phone/webhooks/send): for one recording, or all of the
// account's available recordings.
type PhoneWebhookSendRequest struct {
	AccountID   string `json:"account_id"`
	RecordingID string `json:"recording_id,omitempty"`
	All         bool   `json:"all,omitempty"`
}

// WebhookPhoneRecordingCompleted is Zoom Phone's event for a finished call
// recording.
const WebhookPhoneRecordingCompleted = "phone.recording_completed"

// subscribableEvents are the events a webhook subscription may ask for (and
// its default): the meeting events and Zoom Phone's.
func subscribableEvents() []string {
	return append(slices.Clone(webhookEventNames), WebhookPhoneRecordingCompleted)
}

type phoneRecordingPayload struct {
	AccountID string            `json:"account_id"`
	Object    phoneRecordingObj `json:"object"`
}

type phoneRecordingObj struct {
	Recordings []phoneRecordingJSON `json:"recordings"`
}

func (s *Server) adminSendPhoneWebhook(w http.ResponseWriter, r *http.Request) {
	var req PhoneWebhookSendRequest
	if !decodeBody(w, r, &req) {
		return
	}
	res, err := s.SendPhoneWebhook(req)
	if err != nil {
		writeAdminError(w, adminStatus(err), err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// SendPhoneWebhook queues phone.recording_completed, one event per
// recording, to the account's webhook subscription (delivered, retried and
// faulted like every other event).
func (s *Server) SendPhoneWebhook(req PhoneWebhookSendRequest) (WebhookSendResult, error) {
	h := s.hooks
	wd, now, wf := s.world(), s.clock.Now(), s.faults.forWebhook()
	a := wd.accountByID[req.AccountID]
	if a == nil {
		return WebhookSendResult{}, notFoundError(fmt.Sprintf("unknown account %q", req.AccountID))
	}
	var calls []*phoneCall
	switch {
	case req.All && req.RecordingID != "":
		return WebhookSendResult{}, errors.New(`give either "recording_id" or "all", not both`)
	case req.All:
		for _, p := range a.phoneCalls {
			if p.available(now) {
				calls = append(calls, p)
			}
		}
	case req.RecordingID != "":
		p := a.phoneByID[req.RecordingID]
		if p == nil {
			return WebhookSendResult{}, notFoundError(fmt.Sprintf("account %s has no phone recording %q", a.ID, req.RecordingID))
		}
		calls = []*phoneCall{p}
	default:
		return WebhookSendResult{}, errors.New(`give "recording_id" or "all": true`)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.world != wd {
		return WebhookSendResult{}, errors.New("a scenario is being loaded; try again")
	}
	sub := h.subs[a.ID]
	if sub == nil {
		return WebhookSendResult{}, fmt.Errorf("account %s has no webhook subscription (POST /_sim/webhooks)", a.ID)
	}
	if !sub.wants(WebhookPhoneRecordingCompleted) {
		return WebhookSendResult{}, fmt.Errorf("the subscription of account %s does not include %s", a.ID, WebhookPhoneRecordingCompleted)
	}
	res := WebhookSendResult{Events: []QueuedWebhook{}}
	for _, p := range calls {
		env := webhookEnvelope{Event: WebhookPhoneRecordingCompleted, EventTS: now.UnixMilli(),
			Payload: phoneRecordingPayload{AccountID: a.ID, Object: phoneRecordingObj{
				Recordings: []phoneRecordingJSON{renderPhoneRecording(p, h.baseFor(sub))}}}}
		ev := builtEvent{id: "evt_" + randomToken(12), name: env.Event, accountID: a.ID, meetingUUID: p.ID, body: encodeWebhookBody(env)}
		n := h.enqueueLocked(ev, sub, wf, now)
		res.Events = append(res.Events, QueuedWebhook{EventID: ev.id, Event: ev.name, AccountID: a.ID, MeetingUUID: p.ID, URL: sub.url, Copies: n})
	}
	return res, nil
}

// TruthCall is a phone recording's call in /_sim/truth.
type TruthCall struct {
	RecordingID     string `json:"recording_id"`
	CallID          string `json:"call_id"`
	Direction       string `json:"direction"`
	CallerNumber    string `json:"caller_number"`
	CallerName      string `json:"caller_name"`
	CalleeNumber    string `json:"callee_number"`
	CalleeName      string `json:"callee_name"`
	ExtensionNumber int    `json:"extension_number"`
	DurationSeconds int    `json:"duration_seconds"`
	EndTime         string `json:"end_time"`
	AvailableAt     string `json:"available_at"`
	// TimesListed counts the listings that returned the recording.
	TimesListed int64 `json:"times_listed"`
}

// phoneTruth appends the account's phone recordings (source "phone"; the
// conversation is the recording, keyed by its id).
func (s *Server) phoneTruth(a *account, base string, now time.Time, files []TruthFile, convs []TruthConversation) ([]TruthFile, []TruthConversation) {
	for _, p := range a.phoneCalls {
		status := statusCompleted
		if !p.available(now) {
			status = statusProcessing
		}
		dl := base + "/v2/phone/recording/download/" + p.DownloadKey
		files = append(files, TruthFile{
			AccountID: a.ID, Source: sourcePhone, ConversationUUID: p.ID, FileID: p.ID, FileType: "MP3",
			FileExtension: "MP3", RecordingType: p.file.RecordingType, Status: status, Size: p.file.Size,
			DownloadURL: dl, WebhookDownloadURL: dl, TrashState: s.trash.fileState(p.file),
		})
		convs = append(convs, TruthConversation{
			AccountID: a.ID, Source: sourcePhone, ConversationUUID: p.ID, HostID: p.Owner.ID, HostEmail: p.Owner.Email,
			StartTime: zoomTime(p.DateTime), Duration: (p.Duration + 59) / 60, FileCount: 1, TotalSize: p.file.Size,
			Call: &TruthCall{
				RecordingID: p.ID, CallID: p.CallID, Direction: p.Direction,
				CallerNumber: p.Caller.Number, CallerName: p.Caller.Name, CalleeNumber: p.Callee.Number, CalleeName: p.Callee.Name,
				ExtensionNumber: p.Extension, DurationSeconds: p.Duration, EndTime: zoomTime(p.end()),
				AvailableAt: zoomTime(p.AvailableAt), TimesListed: p.listed.Load(),
			},
		})
	}
	return files, convs
}

const sourcePhone = "phone"
