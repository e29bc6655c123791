package zoomsim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// buildWorld validates a scenario, fills in what it leaves out (deterministically
// from its seed) and indexes it.
func buildWorld(sc Scenario) (*world, error) {
	d := deriver{seed: sc.Seed}
	w := &world{
		seed:            sc.Seed,
		accountByID:     map[string]*account{},
		accountByClient: map[string]*account{},
		fileByOpaque:    map[string]*recFile{},
		fileByID:        map[string]*recFile{},
		liveMeetingByID: map[int64]*liveMeeting{},
	}
	w.scenario.Zoom = sc.Zoom // read while the accounts are built
	meetingUUIDs := map[string]bool{}
	filled := Scenario{Seed: sc.Seed, Accounts: make([]ScenarioAccount, len(sc.Accounts)),
		UserOAuthApp: sc.UserOAuthApp, BotProvider: sc.BotProvider, Zoom: sc.Zoom}
	if err := fillGlobal(d, &filled); err != nil {
		return nil, err
	}
	for i, sa := range sc.Accounts {
		a, err := w.addAccount(d, i, &sa, meetingUUIDs)
		if err != nil {
			return nil, fmt.Errorf("accounts[%d]: %w", i, err)
		}
		w.accounts = append(w.accounts, a)
		filled.Accounts[i] = sa
	}
	w.scenario = filled
	return w, nil
}

func (w *world) addAccount(d deriver, i int, sa *ScenarioAccount, meetingUUIDs map[string]bool) (*account, error) {
	r := d.rng(fmt.Sprintf("account/%d", i))
	// Draw every default in a fixed order so one given field does not shift the others.
	defID, defClient, defSecret, defHook := zoomID(r), clientID(r), clientSecret(r), randString(r, zoomIDAlphabet, 22)
	sa.AccountID = orDefault(sa.AccountID, defID)
	sa.ClientID = orDefault(sa.ClientID, defClient)
	sa.ClientSecret = orDefault(sa.ClientSecret, defSecret)
	sa.WebhookSecretToken = orDefault(sa.WebhookSecretToken, defHook)
	sa.Plan = orDefault(sa.Plan, "business")
	if sa.Plan != "business" && sa.Plan != "pro" {
		return nil, fmt.Errorf("plan %q: want business or pro", sa.Plan)
	}
	if sa.WebhookURL != "" {
		if err := checkWebhookURL(sa.WebhookURL); err != nil {
			return nil, fmt.Errorf("webhook_url: %w", err)
		}
	}
	if err := sa.RateLimits.validate(); err != nil {
		return nil, fmt.Errorf("rate_limits: %w", err)
	}
	if w.accountByID[sa.AccountID] != nil {
		return nil, fmt.Errorf("duplicate account_id %q", sa.AccountID)
	}
	if w.accountByClient[sa.ClientID] != nil {
		return nil, fmt.Errorf("duplicate client_id %q", sa.ClientID)
	}
	a := &account{
		ID: sa.AccountID, ClientID: sa.ClientID, ClientSecret: sa.ClientSecret,
		WebhookSecretToken: sa.WebhookSecretToken, Plan: sa.Plan, rateLimits: sa.RateLimits, zoom: w.scenario.Zoom,
		userByID: map[string]*user{}, userByEmail: map[string]*user{},
		meetingByUUID: map[string]*meeting{}, meetingsByID: map[int64][]*meeting{},
		meetingsByHost: map[string][]*meeting{},
	}
	w.accountByID[a.ID] = a
	w.accountByClient[a.ClientID] = a

	for j := range sa.Users {
		u, err := a.addUser(d, i, j, &sa.Users[j])
		if err != nil {
			return nil, fmt.Errorf("users[%d]: %w", j, err)
		}
		a.users = append(a.users, u)
	}
	for k := range sa.Meetings {
		if err := w.addMeeting(d, a, &sa.Meetings[k], meetingUUIDs, fmt.Sprintf("account/%d/meeting/%d", i, k)); err != nil {
			return nil, fmt.Errorf("meetings[%d]: %w", k, err)
		}
	}
	for k := range sa.LiveMeetings {
		if err := w.addLiveMeeting(d, a, &sa.LiveMeetings[k], fmt.Sprintf("account/%d/live/%d", i, k)); err != nil {
			return nil, fmt.Errorf("live_meetings[%d]: %w", k, err)
		}
	}
	if err := w.addPhoneCalls(d, a, i, sa); err != nil {
		return nil, err
	}
	sortNewestFirst(a.meetings)
	for _, ms := range a.meetingsByID {
		sortNewestFirst(ms)
	}
	for _, ms := range a.meetingsByHost {
		sortNewestFirst(ms)
	}
	return a, nil
}

func (a *account) addUser(d deriver, i, j int, su *ScenarioUser) (*user, error) {
	r := d.rng(fmt.Sprintf("account/%d/user/%d", i, j))
	defID, pmi := zoomID(r), 1000000000+r.Int64N(8999999999)
	su.ID = orDefault(su.ID, defID)
	su.FirstName = orDefault(su.FirstName, "User")
	su.LastName = orDefault(su.LastName, fmt.Sprint(j+1))
	su.Email = orDefault(su.Email, fmt.Sprintf("user%d@%s.example", j+1, strings.ToLower(prefix(a.ID, 8))))
	su.Status = orDefault(su.Status, "active")
	su.Timezone = orDefault(su.Timezone, "America/New_York")
	if su.Type == 0 {
		su.Type = 2
	}
	var settings userSettings
	su.Settings, settings = fillUserSettings(su.Settings)
	if a.userByID[su.ID] != nil {
		return nil, fmt.Errorf("duplicate user id %q", su.ID)
	}
	if a.userByEmail[strings.ToLower(su.Email)] != nil {
		return nil, fmt.Errorf("duplicate user email %q", su.Email)
	}
	u := &user{
		ID: su.ID, Email: su.Email, FirstName: su.FirstName, LastName: su.LastName,
		Type: su.Type, Status: su.Status, Timezone: su.Timezone, PMI: pmi, Settings: settings,
		CreatedAt: time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC).Add(time.Duration(j) * 24 * time.Hour),
	}
	a.userByID[u.ID] = u
	a.userByEmail[strings.ToLower(u.Email)] = u
	return u, nil
}

func (w *world) addMeeting(d deriver, a *account, sm *ScenarioMeeting, seen map[string]bool, label string) error {
	r := d.rng(label)
	defUUID, defID := meetingUUID(r, false), 80000000000+r.Int64N(19999999999)
	sm.UUID = orDefault(sm.UUID, defUUID)
	if sm.ID == 0 {
		sm.ID = defID
	}
	if seen[sm.UUID] {
		return fmt.Errorf("duplicate meeting uuid %q", sm.UUID)
	}
	seen[sm.UUID] = true
	if len(a.users) == 0 {
		return fmt.Errorf("account has no users to host meeting %q", sm.UUID)
	}
	host := a.users[0]
	if sm.HostID != "" {
		if host = a.findUser(sm.HostID); host == nil {
			return fmt.Errorf("host_id %q is not a user of the account", sm.HostID)
		}
	}
	sm.HostID = host.ID
	if sm.StartTime.IsZero() {
		return fmt.Errorf("meeting %q: start_time is required", sm.UUID)
	}
	sm.StartTime = sm.StartTime.UTC().Truncate(time.Second)
	sm.Topic = orDefault(sm.Topic, "Zoom Meeting")
	if sm.Type.N == 0 {
		sm.Type.N = 2
	}
	if sm.Duration <= 0 {
		sm.Duration = 30
	}
	sm.Timezone = orDefault(sm.Timezone, host.Timezone)
	if sm.Files == nil {
		sm.Files = []ScenarioFile{{FileType: "MP4"}, {FileType: "M4A"}}
	}
	m := &meeting{
		acct: a, UUID: sm.UUID, ID: sm.ID, Host: host, Topic: sm.Topic,
		Type: sm.Type.N, TypeAsString: sm.Type.AsString, StartTime: sm.StartTime,
		Duration: sm.Duration, Timezone: sm.Timezone,
		ShareOpaque:      opaqueToken(d, "share/"+sm.UUID),
		NoRecordingFiles: sm.NoRecordingFiles,
	}
	if sm.SeriesStartTime != nil {
		m.SeriesStart = sm.SeriesStartTime.UTC().Truncate(time.Second)
	}
	for k := range sm.Files {
		f, err := w.addFile(d, m, sm, &sm.Files[k], fmt.Sprintf("meeting/%s/file/%d", sm.UUID, k), false)
		if err != nil {
			return fmt.Errorf("files[%d]: %w", k, err)
		}
		m.files = append(m.files, f)
	}
	for k := range sm.ParticipantAudioFiles {
		f, err := w.addFile(d, m, sm, &sm.ParticipantAudioFiles[k], fmt.Sprintf("meeting/%s/participant/%d", sm.UUID, k), true)
		if err != nil {
			return fmt.Errorf("participant_audio_files[%d]: %w", k, err)
		}
		m.participantAudio = append(m.participantAudio, f)
	}
	if a.zoom.lateTranscripts() {
		delayTranscripts(m, w.scenario.Zoom.transcriptLag())
	}
	a.meetings = append(a.meetings, m)
	a.meetingByUUID[m.UUID] = m
	a.meetingsByID[m.ID] = append(a.meetingsByID[m.ID], m)
	a.meetingsByHost[host.ID] = append(a.meetingsByHost[host.ID], m)
	return nil
}

func (w *world) addFile(d deriver, m *meeting, sm *ScenarioMeeting, sf *ScenarioFile, label string, participant bool) (*recFile, error) {
	if sf.FileType == "" {
		return nil, fmt.Errorf("file_type is required")
	}
	sf.FileType = strings.ToUpper(sf.FileType)
	k := kindOf(sf.FileType)
	sf.ID = orDefault(sf.ID, fileUUID(d.rng(label)))
	sf.FileExtension = strings.ToUpper(orDefault(sf.FileExtension, k.ext))
	if !participant {
		sf.RecordingType = orDefault(sf.RecordingType, k.recordingType)
	}
	if sf.Size <= 0 {
		sf.Size = k.defaultSize
	}
	sf.Status = orDefault(sf.Status, statusCompleted)
	if sf.Status != statusCompleted && sf.Status != statusProcessing {
		return nil, fmt.Errorf("status %q: want completed or processing", sf.Status)
	}
	if sf.CompletesAt == nil && sm.ProcessingUntil != nil {
		t := *sm.ProcessingUntil
		sf.CompletesAt = &t
	}
	if sf.RecordingStart == nil {
		t := m.StartTime.Add(3 * time.Second)
		sf.RecordingStart = &t
	}
	if sf.RecordingEnd == nil {
		t := sf.RecordingStart.Add(time.Duration(m.Duration) * time.Minute)
		sf.RecordingEnd = &t
	}
	if w.fileByID[sf.ID] != nil {
		return nil, fmt.Errorf("duplicate file id %q", sf.ID)
	}
	f := &recFile{
		m: m, ID: sf.ID, FileType: sf.FileType, FileExtension: sf.FileExtension,
		RecordingType: sf.RecordingType, FileName: sf.FileName, Size: sf.Size,
		baseStatus: sf.Status, RecStart: sf.RecordingStart.UTC().Truncate(time.Second),
		RecEnd: sf.RecordingEnd.UTC().Truncate(time.Second), Participant: participant,
		Opaque: opaqueToken(d, "file/"+sf.ID), WebhookOpaque: opaqueToken(d, "webhook-file/"+sf.ID),
		StillRecording: sf.StillRecording,
	}
	if sf.CompletesAt != nil {
		f.CompletesAt = sf.CompletesAt.UTC()
	}
	w.fileByID[f.ID] = f
	w.fileByOpaque[f.Opaque] = f
	return f, nil
}

func sortNewestFirst(ms []*meeting) {
	slices.SortStableFunc(ms, func(a, b *meeting) int {
		if c := b.StartTime.Compare(a.StartTime); c != 0 {
			return c
		}
		return strings.Compare(a.UUID, b.UUID)
	})
}

func prefix(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
