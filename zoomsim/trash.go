package zoomsim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Trash states of a file or meeting (TruthFile.TrashState).
const (
	trashNone    = "none"
	trashTrashed = "trashed"
	trashDeleted = "deleted"
)

// trashState records what DELETE /v2/meetings/{id}/recordings[/{fileId}]
// did to the loaded world, which itself stays immutable. Loading a scenario
// empties it.
type trashState struct {
	mu       sync.Mutex
	files    map[string]trashEntry // file id →
	meetings map[string]string     // meeting uuid → trashTrashed | trashDeleted (whole meeting)
}

type trashEntry struct {
	state string
	// whole: trashed with its meeting (trash_type=meeting_recordings),
	// else on its own (trash_type=recording_file).
	whole bool
	at    time.Time
}

func (t *trashState) reset() {
	t.mu.Lock()
	t.files, t.meetings = map[string]trashEntry{}, map[string]string{}
	t.mu.Unlock()
}

func (t *trashState) fileState(f *recFile) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.files[f.ID]; ok {
		return e.state
	}
	return trashNone
}

func (t *trashState) meetingState(m *meeting) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if st, ok := t.meetings[m.UUID]; ok {
		return st
	}
	return trashNone
}

// visible reports whether m shows in normal listings and answers
// GET /meetings/{id}/recordings: not trashed as a whole and, if it has
// files, with at least one file not in the trash.
func (t *trashState) visible(m *meeting) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.meetings[m.UUID]; ok {
		return false
	}
	files := m.allFiles()
	if len(files) == 0 {
		return true
	}
	for _, f := range files {
		if _, ok := t.files[f.ID]; !ok {
			return true
		}
	}
	return false
}

// listingView is which meetings and files one listing shows: the normal
// view, or the trash (trash=true) of whole meetings (trash_type
// meeting_recordings, the default) or of single files (recording_file).
type listingView struct {
	lists func(*meeting) bool
	keep  func(*recFile) bool
}

func (s *Server) listingView(w http.ResponseWriter, q url.Values) (listingView, bool) {
	t := &s.trash
	if q.Get("trash") != "true" {
		return listingView{lists: t.visible, keep: func(f *recFile) bool { return t.fileState(f) == trashNone }}, true
	}
	switch q.Get("trash_type") {
	case "", "meeting_recordings":
		return listingView{
			lists: func(m *meeting) bool { return t.meetingState(m) == trashTrashed },
			keep:  func(f *recFile) bool { return t.fileState(f) == trashTrashed },
		}, true
	case "recording_file":
		single := func(f *recFile) bool {
			t.mu.Lock()
			defer t.mu.Unlock()
			e, ok := t.files[f.ID]
			return ok && !e.whole && e.state == trashTrashed
		}
		return listingView{
			lists: func(m *meeting) bool {
				if t.meetingState(m) != trashNone {
					return false
				}
				for _, f := range m.allFiles() {
					if single(f) {
						return true
					}
				}
				return false
			},
			keep: single,
		}, true
	}
	writeFieldError(w, "trash_type", "Invalid field.")
	return listingView{}, false
}

// deleteMeetingRecordings is DELETE /v2/meetings/{meetingId}/recordings
// ?action=trash|delete (default trash) → 204: every file of the meeting goes
// to the trash (recoverable, listed with trash=true) or is deleted for good.
// A recording.trashed or recording.deleted webhook follows.
func (s *Server) deleteMeetingRecordings(w http.ResponseWriter, r *http.Request, c *call) {
	action, ok := deleteAction(w, r)
	if !ok {
		return
	}
	raw := strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), "/v2/meetings/"), "/recordings")
	m := findMeeting(c.acct, raw)
	t := &s.trash
	if m == nil || !s.mayDelete(c, m) {
		writeAPIError(w, http.StatusNotFound, codeRecordingAbsent, "This recording does not exist.")
		return
	}
	t.mu.Lock()
	prev := t.meetings[m.UUID]
	if prev == trashDeleted || (prev == trashTrashed && action == trashTrashed) {
		t.mu.Unlock()
		writeAPIError(w, http.StatusNotFound, codeRecordingAbsent, "This recording does not exist.")
		return
	}
	var affected []*recFile
	for _, f := range m.allFiles() {
		if e, ok := t.files[f.ID]; ok && e.state == trashDeleted {
			continue // already gone
		}
		t.files[f.ID] = trashEntry{state: action, whole: true, at: c.now}
		affected = append(affected, f)
	}
	t.meetings[m.UUID] = action
	t.mu.Unlock()
	s.announceTrash(c, m, action, affected)
	w.WriteHeader(http.StatusNoContent)
}

// deleteRecordingFile is DELETE /v2/meetings/{meetingId}/recordings/
// {recordingId}?action=trash|delete → 204 for one file of the meeting.
func (s *Server) deleteRecordingFile(w http.ResponseWriter, r *http.Request, c *call) {
	action, ok := deleteAction(w, r)
	if !ok {
		return
	}
	path := strings.TrimPrefix(r.URL.EscapedPath(), "/v2/meetings/")
	i := strings.LastIndex(path, "/recordings/")
	m := findMeeting(c.acct, path[:max(i, 0)])
	var f *recFile
	if m != nil && s.mayDelete(c, m) {
		id := r.PathValue("recordingId")
		for _, x := range m.allFiles() {
			if x.ID == id {
				f = x
			}
		}
	}
	t := &s.trash
	t.mu.Lock()
	e, gone := t.files[fileID(f)]
	if f == nil || (gone && (e.state == trashDeleted || action == trashTrashed)) {
		t.mu.Unlock()
		writeAPIError(w, http.StatusNotFound, codeRecordingAbsent, "This recording does not exist.")
		return
	}
	t.files[f.ID] = trashEntry{state: action, whole: e.whole, at: c.now}
	t.mu.Unlock()
	s.announceTrash(c, m, action, []*recFile{f})
	w.WriteHeader(http.StatusNoContent)
}

func fileID(f *recFile) string {
	if f == nil {
		return ""
	}
	return f.ID
}

// mayDelete: a user token deletes only meetings its user hosts.
func (s *Server) mayDelete(c *call, m *meeting) bool { return c.user == nil || c.user == m.Host }

func deleteAction(w http.ResponseWriter, r *http.Request) (string, bool) {
	switch r.URL.Query().Get("action") {
	case "", "trash":
		return trashTrashed, true
	case "delete":
		return trashDeleted, true
	}
	writeFieldError(w, "action", "Invalid field.")
	return "", false
}

// announceTrash queues recording.trashed or recording.deleted, naming the
// files it affected, to the account's subscription.
func (s *Server) announceTrash(c *call, m *meeting, action string, files []*recFile) {
	event := WebhookRecordingTrashed
	if action == trashDeleted {
		event = WebhookRecordingDeleted
	}
	operator := m.acct.users[0]
	if c.user != nil {
		operator = c.user
	}
	s.hooks.queueTrash(event, m, files, operator, c.now)
}

// recoverMeetingRecordings is PUT /v2/meetings/{meetingId}/recordings/status
// {"action":"recover"} → 204: a meeting trashed whole comes back from the
// trash (not one deleted for good), and recording.recovered follows.
func (s *Server) recoverMeetingRecordings(w http.ResponseWriter, r *http.Request, c *call) {
	if !recoverBody(w, r) {
		return
	}
	raw := strings.TrimSuffix(strings.TrimPrefix(r.URL.EscapedPath(), "/v2/meetings/"), "/recordings/status")
	m := findMeeting(c.acct, raw)
	t := &s.trash
	t.mu.Lock()
	if m == nil || !s.mayDelete(c, m) || t.meetings[m.UUID] != trashTrashed {
		t.mu.Unlock()
		writeAPIError(w, http.StatusNotFound, codeRecordingAbsent, "This recording does not exist.")
		return
	}
	delete(t.meetings, m.UUID)
	var back []*recFile
	for _, f := range m.allFiles() {
		if e, ok := t.files[f.ID]; ok && e.state == trashTrashed {
			delete(t.files, f.ID)
			back = append(back, f)
		}
	}
	t.mu.Unlock()
	s.announceRecovery(c, m, back)
	w.WriteHeader(http.StatusNoContent)
}

// recoverRecordingFile is PUT /v2/meetings/{meetingId}/recordings/
// {recordingId}/status {"action":"recover"} → 204 for a file trashed on its
// own.
func (s *Server) recoverRecordingFile(w http.ResponseWriter, r *http.Request, c *call) {
	if !recoverBody(w, r) {
		return
	}
	path := strings.TrimPrefix(r.URL.EscapedPath(), "/v2/meetings/")
	i := strings.LastIndex(path, "/recordings/")
	m := findMeeting(c.acct, path[:max(i, 0)])
	var f *recFile
	if m != nil && s.mayDelete(c, m) {
		for _, x := range m.allFiles() {
			if x.ID == r.PathValue("recordingId") {
				f = x
			}
		}
	}
	t := &s.trash
	t.mu.Lock()
	e, ok := t.files[fileID(f)]
	if f == nil || !ok || e.state != trashTrashed || e.whole {
		t.mu.Unlock()
		writeAPIError(w, http.StatusNotFound, codeRecordingAbsent, "This recording does not exist.")
		return
	}
	delete(t.files, f.ID)
	t.mu.Unlock()
	s.announceRecovery(c, m, []*recFile{f})
	w.WriteHeader(http.StatusNoContent)
}

func recoverBody(w http.ResponseWriter, r *http.Request) bool {
	var body struct {
		Action string `json:"action"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil || body.Action != "recover" {
		writeFieldError(w, "action", "Invalid field.")
		return false
	}
	return true
}

func (s *Server) announceRecovery(c *call, m *meeting, files []*recFile) {
	operator := m.acct.users[0]
	if c.user != nil {
		operator = c.user
	}
	s.hooks.queueTrash(WebhookRecordingRecovered, m, files, operator, c.now)
}
