package activities

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/zoom"
)

// ArchiveFile streams one Zoom recording file into S3 and records it in
// Postgres. It is idempotent (an archived file is never fetched again) and
// resumable: every completed multipart part is checkpointed in the activity's
// heartbeat, so a retry after a crash continues at the next part with a Range
// request instead of starting over.
func (a *Activities) ArchiveFile(ctx context.Context, in ArchiveFileInput) (ArchiveFileResult, error) {
	key := store.ConversationKey{TenantID: in.TenantID, Source: in.Source, ConversationUUID: in.ConversationUUID}
	what := fmt.Sprintf("tenant %s: %s file %s (%s) of %s", in.TenantID, in.Source, in.File.FileID, in.File.FileType, in.ConversationUUID)
	if rec, err := a.Store.ArchivedFile(ctx, key, in.File.FileID); err == nil {
		return ArchiveFileResult{Outcome: OutcomeAlreadyArchived, Key: rec.S3Key, Size: rec.SizeBytes, SHA256: rec.SHA256}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return ArchiveFileResult{}, err
	}
	objKey := ObjectKey(in)
	// A crash between the S3 upload and the Postgres insert leaves a complete,
	// verified object behind: record it instead of downloading again.
	if info, ok, err := a.Archive.Head(ctx, objKey); err != nil {
		return ArchiveFileResult{}, fmt.Errorf("%s: %w", what, err)
	} else if ok && info.Metadata[archive.MetaSHA256] != "" && (!in.File.HasSize || info.Size == in.File.Size) {
		res := archive.Result{Key: objKey, Size: info.Size, SHA256: info.Metadata[archive.MetaSHA256],
			ChecksumSHA256: info.ChecksumSHA256, ETag: info.ETag, VersionID: info.VersionID}
		return a.recordArchived(ctx, in, res)
	}

	var cp archive.Checkpoint
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &cp); err != nil || cp.Key != objKey {
			cp = archive.Checkpoint{}
		}
	}
	expected := int64(-1)
	if in.File.HasSize {
		expected = in.File.Size
	}
	hb := newHeartbeater(ctx, cp)
	var resume *archive.Checkpoint
	if cp.UploadID != "" {
		resume = &cp
	}
	res, err := a.Archive.StreamFrom(ctx, archive.Object{
		Key:          objKey,
		ContentType:  contentType(in.File),
		ExpectedSize: expected,
		Metadata:     map[string]string{archive.MetaZoomFileID: in.File.FileID, archive.MetaTenant: in.TenantID},
	}, func(ctx context.Context, offset int64) (io.ReadCloser, error) {
		rc, err := a.openDownload(ctx, in, offset)
		if err != nil {
			return nil, err
		}
		return hb.wrap(rc), nil
	}, resume, hb.checkpoint)
	if err != nil {
		return ArchiveFileResult{}, classify(err, what)
	}
	return a.recordArchived(ctx, in, res)
}

// openDownload opens the file's download at offset (a Range request; bytes
// are skipped when the server ignores it). From byte 0 it refuses HTML error
// pages that came with a misleading content type.
func (a *Activities) openDownload(ctx context.Context, in ArchiveFileInput, offset int64) (io.ReadCloser, error) {
	if in.Source == SourceBot {
		return a.openBotDownload(ctx, in, offset)
	}
	c, err := a.zoomClient(ctx, in.TenantID)
	if err != nil {
		return nil, err
	}
	dl, err := a.download(ctx, c, in, offset)
	if err != nil {
		return nil, err
	}
	return positioned(dl.Body, dl.Offset, offset)
}

// positioned returns body, served from byte servedFrom, read from byte
// offset: bytes are skipped when the server ignored the Range request. From
// byte 0 it refuses HTML error pages that came with a misleading content
// type. body is closed on error.
func positioned(body io.ReadCloser, servedFrom, offset int64) (io.ReadCloser, error) {
	var src io.Reader = body
	if offset > 0 && servedFrom != offset {
		if _, err := io.CopyN(io.Discard, src, offset); err != nil {
			body.Close()
			return nil, fmt.Errorf("skipping %d archived bytes: %w", offset, err)
		}
	}
	if offset == 0 {
		var err error
		if src, err = refuseHTML(src); err != nil {
			body.Close()
			return nil, err
		}
	}
	return readCloser{Reader: src, Closer: body}, nil
}

// download opens the file with the best token at hand: the recording.completed
// event's download_token while it is valid, else the tenant's OAuth token;
// when Zoom refuses that, a download_access_token minted for the meeting.
func (a *Activities) download(ctx context.Context, c *zoom.Client, in ArchiveFileInput, offset int64) (*zoom.Download, error) {
	if tok, err := a.Store.DownloadToken(ctx, in.TenantID, in.ConversationUUID, time.Now()); err == nil {
		dl, err := c.OpenDownload(ctx, in.File.DownloadURL, tok, offset)
		if err == nil || !refused(err) {
			return dl, err
		}
	}
	token, err := c.AccessToken(ctx)
	if err != nil {
		return nil, err
	}
	dl, err := c.OpenDownload(ctx, in.File.DownloadURL, token, offset)
	if err == nil || !refused(err) {
		return dl, err
	}
	if in.Source == SourcePhone {
		return nil, err // a phone recording has no meeting to fetch a download token from
	}
	m, _, merr := c.Recordings.GetMeeting(ctx, in.ConversationUUID, &zoom.GetMeetingRecordingsOptions{IncludeDownloadAccessToken: true, TTL: 3600})
	if merr != nil || m.DownloadAccessToken == "" {
		return nil, err
	}
	// The token goes with the listing's URL of the same file (found by its
	// identity): a webhook's /rec/webhook_download/… URL is the event's.
	return c.OpenDownload(ctx, listedURL(m, in.File), m.DownloadAccessToken, offset)
}

// refused reports a download Zoom answered with an HTML page or a 401.
func refused(err error) bool {
	var h *zoom.HTMLResponseError
	return errors.As(err, &h) || zoom.IsUnauthorized(err)
}

type readCloser struct {
	io.Reader
	io.Closer
}

func (a *Activities) recordArchived(ctx context.Context, in ArchiveFileInput, res archive.Result) (ArchiveFileResult, error) {
	f := in.File
	rec := store.FileRecord{
		ConversationKey:  store.ConversationKey{TenantID: in.TenantID, Source: in.Source, ConversationUUID: in.ConversationUUID},
		FileID:           f.FileID,
		ZoomFileID:       f.ZoomFileID,
		FileType:         f.FileType,
		FileExtension:    f.FileExtension,
		RecordingType:    f.RecordingType,
		RecordingStart:   f.RecordingStart,
		RecordingEnd:     f.RecordingEnd,
		SizeBytes:        res.Size,
		SHA256:           res.SHA256,
		S3Bucket:         a.Archive.Bucket(),
		S3Key:            res.Key,
		S3VersionID:      res.VersionID,
		S3ChecksumSHA256: res.ChecksumSHA256,
	}
	if !f.RecordingStart.IsZero() && f.RecordingEnd.After(f.RecordingStart) {
		secs := int(f.RecordingEnd.Sub(f.RecordingStart).Seconds())
		rec.MediaLengthSeconds = &secs
	}
	inserted, err := a.Store.InsertFile(ctx, rec)
	if err != nil {
		return ArchiveFileResult{}, err
	}
	out := ArchiveFileResult{Outcome: OutcomeArchived, Key: res.Key, Size: res.Size, SHA256: res.SHA256, Resumed: res.Resumed}
	if !inserted {
		out.Outcome = OutcomeAlreadyArchived
	}
	return out, nil
}

// ObjectKey is where a file lives in the bucket:
// {tenant}/{source}/{yyyy}/{mm}/{dd}/{uuid as base64url}/{file id}.{ext}.
// Zoom UUIDs are base64 and may contain "/" and "+"; base64url keeps keys
// flat and reversible.
func ObjectKey(in ArchiveFileInput) string {
	day := in.MeetingStart.UTC().Format("2006/01/02")
	if in.MeetingStart.IsZero() {
		day = "undated"
	}
	uuid := strings.NewReplacer("/", "_", "+", "-").Replace(in.ConversationUUID)
	if uuid == "" || strings.Trim(uuid, "._-=") == "" {
		uuid = base64.RawURLEncoding.EncodeToString([]byte(in.ConversationUUID))
	}
	ext := strings.ToLower(in.File.FileExtension)
	if ext == "" {
		ext = strings.ToLower(in.File.FileType)
	}
	return path.Join(in.TenantID, in.Source, day, uuid, in.File.FileID+"."+ext)
}

func contentType(f RecordingFile) string {
	switch strings.ToUpper(f.FileType) {
	case "MP4":
		return "video/mp4"
	case "M4A":
		return "audio/mp4"
	case "MP3":
		return "audio/mpeg"
	case "TRANSCRIPT", "CC":
		return "text/vtt"
	case "CHAT":
		return "text/plain"
	case "TIMELINE", "SUMMARY":
		return "application/json"
	case "CSV":
		return "text/csv"
	}
	return "application/octet-stream"
}

// errHTMLBody is returned when a media download turns out to be an HTML page
// although the server did not label it text/html.
type errHTMLBody struct{ snippet string }

func (e *errHTMLBody) Error() string {
	return "the download is an HTML page, not media: " + e.snippet
}

// refuseHTML peeks at the first bytes and rejects HTML error pages that came
// with a misleading content type.
func refuseHTML(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if strings.HasPrefix(http.DetectContentType(head), "text/html") {
		s := string(head)
		if len(s) > 120 {
			s = s[:120]
		}
		return nil, htmlError(s)
	}
	return br, nil
}

// heartbeater reports progress to Temporal: the last completed part's
// checkpoint (so a retry resumes there) at most once a second while bytes flow.
type heartbeater struct {
	ctx  context.Context
	mu   sync.Mutex
	cp   archive.Checkpoint
	last time.Time
}

func newHeartbeater(ctx context.Context, cp archive.Checkpoint) *heartbeater {
	return &heartbeater{ctx: ctx, cp: cp}
}

func (h *heartbeater) checkpoint(cp archive.Checkpoint) {
	h.mu.Lock()
	h.cp = cp
	h.mu.Unlock()
	activity.RecordHeartbeat(h.ctx, cp)
}

func (h *heartbeater) wrap(r io.ReadCloser) io.ReadCloser { return &heartbeatReader{r: r, h: h} }

type heartbeatReader struct {
	r io.ReadCloser
	h *heartbeater
}

func (hr *heartbeatReader) Close() error { return hr.r.Close() }

func (hr *heartbeatReader) Read(p []byte) (int, error) {
	n, err := hr.r.Read(p)
	h := hr.h
	h.mu.Lock()
	beat := time.Since(h.last) >= time.Second
	if beat {
		h.last = time.Now()
	}
	cp := h.cp
	h.mu.Unlock()
	if beat {
		activity.RecordHeartbeat(h.ctx, cp)
	}
	return n, err
}
