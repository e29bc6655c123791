package activities

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/meetvault/meetvault/store"
)

// SaveConversation records the conversation's metadata before its files are archived.
func (a *Activities) SaveConversation(ctx context.Context, in SaveConversationInput) (SaveConversationResult, error) {
	m := in.Meeting
	c := store.Conversation{
		ConversationKey:  store.ConversationKey{TenantID: in.TenantID, Source: in.Source, ConversationUUID: m.UUID},
		PlatformCallID:   strconv.FormatInt(m.ID, 10),
		SourcePlatform:   sourcePlatform(in.Source),
		ConversationType: conversationType(m.Files),
		Topic:            m.Topic,
		RecordedUserID:   m.HostID,
		RecordedUserName: firstNonEmpty(m.HostName, m.HostEmail),
		StartTime:        m.StartTime,
		Timezone:         m.Timezone,
		FilesExpected:    len(m.Files),
	}
	if m.Type != 0 {
		t := m.Type
		c.MeetingType = &t
	}
	if m.Duration > 0 {
		d := m.Duration * 60
		c.DurationSeconds = &d
		c.EndTime = m.StartTime.Add(time.Duration(m.Duration) * time.Minute)
	}
	applyCall(&c, m.Call)
	if err := a.Store.UpsertConversation(ctx, c); err != nil {
		return SaveConversationResult{}, err
	}
	ids, err := a.Store.ArchivedFileIDs(ctx, c.ConversationKey)
	return SaveConversationResult{ArchivedFileIDs: ids}, err
}

// RecordFileFailure stores why a file could not be archived.
func (a *Activities) RecordFileFailure(ctx context.Context, in RecordFileFailureInput) (RecordFileFailureResult, error) {
	return RecordFileFailureResult{}, a.Store.RecordFailure(ctx, store.FileFailure{
		ConversationKey: store.ConversationKey{TenantID: in.TenantID, Source: in.Source, ConversationUUID: in.ConversationUUID},
		FileID:          in.FileID, FileType: in.FileType, Reason: in.Reason, Message: in.Message,
	})
}

// FinishConversation stores the outcome of the archive run.
func (a *Activities) FinishConversation(ctx context.Context, in FinishConversationInput) (FinishConversationResult, error) {
	return FinishConversationResult{}, a.Store.FinishConversation(ctx,
		store.ConversationKey{TenantID: in.TenantID, Source: in.Source, ConversationUUID: in.ConversationUUID},
		store.ConversationOutcome{FilesProcessing: in.FilesProcessing, FilesFailed: in.FilesFailed, MediaError: in.MediaError})
}

func sourcePlatform(source string) string {
	switch source {
	case SourceWebinar:
		return "Zoom Webinar"
	case SourcePhone:
		return "Zoom Phone"
	case SourceVideoSDK:
		return "Zoom Video SDK"
	default:
		return "Zoom Meeting"
	}
}

// conversationType is video when Zoom rendered a video view, screen_share when
// only shared screen was recorded, voice when only audio exists.
func conversationType(files []RecordingFile) string {
	kind := ""
	for _, f := range files {
		rt := f.RecordingType
		switch {
		case f.FileType == "MP4" && (strings.Contains(rt, "speaker") || strings.Contains(rt, "gallery") || rt == "host_video"):
			return "video"
		case f.FileType == "MP4" && rt == "shared_screen":
			kind = "screen_share"
		case (f.FileType == "M4A" || f.FileType == "MP3") && kind == "":
			kind = "voice"
		}
	}
	if kind == "" {
		return "video"
	}
	return kind
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
