package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/meetvault/meetvault/rtms"
	"github.com/meetvault/meetvault/store"
)

// rtmsManifest is the capture's index object: every segment in order, the
// audio gaps and the interruptions, and the capture-wide audio media-sha256
// (SHA-256 of all PCM received, fill excluded), comparable with what Zoom sent.
type rtmsManifest struct {
	Stream           RTMSStream         `json:"stream"`
	StartedAt        time.Time          `json:"started_at"`
	StoppedAt        time.Time          `json:"stopped_at"`
	Outcome          string             `json:"outcome"`
	StopReason       int                `json:"stop_reason"`
	StopReasonName   string             `json:"stop_reason_name"`
	Message          string             `json:"message,omitempty"`
	AudioFormat      string             `json:"audio_format"`
	AudioMediaSHA256 string             `json:"audio_media_sha256"`
	AudioBytes       int64              `json:"audio_bytes"`
	FillBytes        int64              `json:"fill_bytes"`
	Transcripts      int                `json:"transcripts"`
	Frames           int                `json:"frames"`
	Events           int                `json:"events"`
	Gaps             []RTMSGap          `json:"gaps"`
	Interruptions    []RTMSInterruption `json:"interruptions"`
	Segments         []RTMSSegment      `json:"segments"`
	// Unlisted are objects under the stream's prefix that no checkpoint
	// recorded: written by an attempt killed before its heartbeat reached
	// the server. Their media is real but outside audio_media_sha256 and
	// inside a recorded gap.
	Unlisted []RTMSSegment `json:"unlisted,omitempty"`
}

// FinishRTMS writes the capture's manifest and files it in Postgres: the
// meeting's conversation (created if the cloud recording or a bot capture did
// not already) and one file row per object. Idempotent.
func (a *RTMSActivities) FinishRTMS(ctx context.Context, in FinishRTMSInput) (FinishRTMSResult, error) {
	h, err := restoreSHA256(in.State.AudioHash)
	if err != nil {
		return FinishRTMSResult{}, err
	}
	audioSHA := hexSum(h)
	m := rtmsManifest{
		Stream: in.Stream, StartedAt: in.StartedAt, StoppedAt: in.StoppedAt, Outcome: in.Outcome,
		StopReason: in.StopReason, StopReasonName: rtms.StopReason(in.StopReason).String(), Message: in.Message,
		AudioFormat: "WAV, L16 PCM 16 kHz mono", AudioMediaSHA256: audioSHA, AudioBytes: in.State.AudioBytes,
		FillBytes: in.State.FillBytes, Transcripts: in.State.Transcripts, Frames: in.State.Frames, Events: in.State.Events,
		Gaps: in.State.Gaps, Interruptions: in.State.Interruptions, Segments: in.State.Segments,
	}
	unlisted, err := a.unlistedSegments(ctx, in.Stream, in.State)
	if err != nil {
		return FinishRTMSResult{}, err
	}
	m.Unlisted = unlisted
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return FinishRTMSResult{}, err
	}
	key := rtmsKeyPrefix(in.Stream) + "manifest.json"
	res, err := putObject(ctx, a.Archive, in.Stream, key, "application/json", rtmsFileID(in.Stream.StreamID, "manifest", 0), audioSHA, body)
	if err != nil {
		return FinishRTMSResult{}, fmt.Errorf("rtms: write %s: %w", key, err)
	}
	manifest := RTMSSegment{Kind: "manifest", Key: key, Size: res.Size, SHA256: res.SHA256, MediaSHA256: audioSHA,
		VersionID: res.VersionID, Checksum: res.ChecksumSHA256}
	conv := store.ConversationKey{TenantID: in.Stream.TenantID, Source: in.Stream.Source, ConversationUUID: in.Stream.ConversationUUID()}
	ctype := "voice"
	if in.State.Frames > 0 {
		ctype = "video"
	}
	if err := a.Store.EnsureConversation(ctx, store.Conversation{
		ConversationKey: conv, SourcePlatform: sourcePlatform(in.Stream.Source), ConversationType: ctype,
		StartTime: in.StartedAt, EndTime: in.StoppedAt,
	}); err != nil {
		return FinishRTMSResult{}, err
	}
	wrote := 0
	all := append(append(append([]RTMSSegment(nil), in.State.Segments...), unlisted...), manifest)
	for _, s := range all {
		id := rtmsFileID(in.Stream.StreamID, s.Kind, s.Seq)
		if s.Kind == "unlisted" {
			id = rtmsFileID(in.Stream.StreamID, "unlisted-"+strings.TrimSuffix(path.Base(s.Key), path.Ext(s.Key)), 0)
		}
		f := store.FileRecord{
			ConversationKey: conv, FileID: id, FileType: rtmsFileType(s.Kind),
			FileExtension: fileExt(s.Key), RecordingType: "rtms_" + s.Kind, SizeBytes: s.Size, SHA256: s.SHA256,
			S3Bucket: a.Archive.Bucket(), S3Key: s.Key, S3VersionID: s.VersionID, S3ChecksumSHA256: s.Checksum,
		}
		if s.StartMS > 0 {
			f.RecordingStart, f.RecordingEnd = time.UnixMilli(s.StartMS).UTC(), time.UnixMilli(s.EndMS).UTC()
		}
		ok, err := a.Store.InsertFile(ctx, f)
		if err != nil {
			return FinishRTMSResult{}, err
		}
		if ok {
			wrote++
		}
	}
	if err := a.Store.RefreshFilesArchived(ctx, conv); err != nil {
		return FinishRTMSResult{}, err
	}
	return FinishRTMSResult{Manifest: manifest, FilesWrote: wrote, AudioSHA256: audioSHA}, nil
}

func rtmsFileType(kind string) string {
	switch kind {
	case "audio":
		return "WAV"
	case "transcript":
		return "TRANSCRIPT"
	case "video":
		return "VIDEO_FRAMES"
	case "video_index", "events", "manifest":
		return "JSON"
	}
	return "OTHER"
}

func fileExt(key string) string {
	for i := len(key) - 1; i >= 0 && key[i] != '/'; i-- {
		if key[i] == '.' {
			return key[i+1:]
		}
	}
	return ""
}

// RevokeRTMS deletes a revoked capture (stop reason 8, STREAM_REVOKED:
// Zoom says the assets must be deleted): every object version it wrote, its
// file rows, and its conversation when nothing else is filed there. Objects
// an object lock keeps are flagged with their retention date instead. The
// revocation record (who, when, what, checksums) is kept.
func (a *RTMSActivities) RevokeRTMS(ctx context.Context, in RevokeRTMSInput) (RevokeRTMSResult, error) {
	segs := append([]RTMSSegment(nil), in.State.Segments...)
	segs = append(segs, RTMSSegment{Kind: "manifest", Key: rtmsKeyPrefix(in.Stream) + "manifest.json"})
	// Objects a crashed attempt wrote after its last heartbeat are not in the
	// state: the stream's prefix is listed so they are deleted too.
	known := map[string]bool{}
	for _, s := range segs {
		known[s.Key] = true
	}
	extra, err := listKeys(ctx, a.Archive.Client(), a.Archive.Bucket(), rtmsKeyPrefix(in.Stream))
	if err != nil {
		return RevokeRTMSResult{}, err
	}
	for _, k := range extra {
		if !known[k] {
			segs = append(segs, RTMSSegment{Kind: "unlisted", Key: k})
		}
	}
	rec := store.RTMSRevocation{
		TenantID: in.Stream.TenantID, StreamID: in.Stream.StreamID, MeetingUUID: in.Stream.ConversationUUID(),
		RevokedAt: in.RevokedAt, RevokedBy: in.RevokedBy, Objects: []store.RevokedObject{},
	}
	cl, bucket := a.Archive.Client(), a.Archive.Bucket()
	for _, s := range segs {
		info, exists, err := a.Archive.Head(ctx, s.Key)
		if err != nil {
			return RevokeRTMSResult{}, err
		}
		if !exists && s.Kind == "manifest" {
			continue // never written: the capture was not finalised
		}
		o := store.RevokedObject{Key: s.Key, Size: s.Size, SHA256: s.SHA256, MediaSHA256: s.MediaSHA256}
		if exists {
			o.Size, o.SHA256, o.MediaSHA256 = info.Size, info.Metadata["sha256"], info.Metadata[MetaMediaSHA256]
		}
		err = deleteObject(ctx, cl, bucket, s.Key, s.VersionID, exists && info != nil)
		var ae smithy.APIError
		switch {
		case err == nil:
			o.Deleted = true
			rec.ObjectsDeleted++
		case errors.As(err, &ae) && (ae.ErrorCode() == "AccessDenied" || ae.ErrorCode() == "ObjectLocked" || ae.ErrorCode() == "InvalidRequest"):
			o.Error = ae.ErrorMessage()
			if r, rerr := cl.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(bucket), Key: aws.String(s.Key)}); rerr == nil && r.Retention != nil {
				o.RetainedUntil = aws.ToTime(r.Retention.RetainUntilDate)
			}
			rec.ObjectsRetained++
		default:
			return RevokeRTMSResult{}, fmt.Errorf("rtms: revoke: delete %s: %w", s.Key, err)
		}
		rec.Objects = append(rec.Objects, o)
	}
	conv := store.ConversationKey{TenantID: in.Stream.TenantID, Source: in.Stream.Source, ConversationUUID: in.Stream.ConversationUUID()}
	n, err := a.Store.DeleteFilesWithPrefix(ctx, conv, "rtms-"+in.Stream.StreamID+"-")
	if err != nil {
		return RevokeRTMSResult{}, err
	}
	rec.RowsDeleted = n
	if err := a.Store.RecordRTMSRevocation(ctx, rec); err != nil {
		return RevokeRTMSResult{}, err
	}
	return RevokeRTMSResult{ObjectsDeleted: rec.ObjectsDeleted, ObjectsRetained: rec.ObjectsRetained, RowsDeleted: n}, nil
}

// deleteObject removes the version written (so a versioned bucket keeps no
// copy) and then the key itself.
func deleteObject(ctx context.Context, cl *s3.Client, bucket, key, version string, exists bool) error {
	if version != "" {
		if _, err := cl.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(version)}); err != nil {
			return err
		}
	}
	if !exists {
		return nil
	}
	_, err := cl.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	return err
}

// listKeys lists every key under prefix.
func listKeys(ctx context.Context, cl *s3.Client, bucket, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(cl, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("rtms: list %s: %w", prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}

// unlistedSegments describes the objects under the stream's prefix that the
// state does not list (the manifest aside).
func (a *RTMSActivities) unlistedSegments(ctx context.Context, s RTMSStream, st RTMSCaptureState) ([]RTMSSegment, error) {
	keys, err := listKeys(ctx, a.Archive.Client(), a.Archive.Bucket(), rtmsKeyPrefix(s))
	if err != nil {
		return nil, err
	}
	known := map[string]bool{rtmsKeyPrefix(s) + "manifest.json": true}
	for _, seg := range st.Segments {
		known[seg.Key] = true
	}
	var out []RTMSSegment
	for _, k := range keys {
		if known[k] {
			continue
		}
		info, ok, err := a.Archive.Head(ctx, k)
		if err != nil || !ok {
			return nil, fmt.Errorf("rtms: unlisted object %s: %v", k, err)
		}
		out = append(out, RTMSSegment{Kind: "unlisted", Key: k, Size: info.Size, SHA256: info.Metadata["sha256"],
			MediaSHA256: info.Metadata[MetaMediaSHA256], VersionID: info.VersionID, Checksum: info.ChecksumSHA256})
	}
	return out, nil
}
