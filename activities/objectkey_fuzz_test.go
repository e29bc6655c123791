package activities

import (
	"strings"
	"testing"
	"time"
)

// FuzzObjectKey: whatever Zoom (or a forged webhook) puts in a file id,
// extension or UUID, the key starts with {tenant}/{source}/, has exactly
// the documented six segments, none empty, "." or "..", and two different
// file ids never share a key.
func FuzzObjectKey(f *testing.F) {
	f.Add("f1", "MP4", "abc==", "other")
	f.Add("../../beta/meeting/x", "../mp4", "/../..", "..")
	f.Add("a\x00b", "m\np4", "", "~")
	f.Fuzz(func(t *testing.T, id, ext, uuid, otherID string) {
		in := ArchiveFileInput{TenantID: "acme", Source: SourceMeeting, ConversationUUID: uuid,
			MeetingStart: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC),
			File:         RecordingFile{FileID: id, FileExtension: ext, FileType: "MP4"}}
		key, err := ObjectKey(in)
		if err != nil {
			if len(uuid) > 600 { // only a huge UUID may exceed S3's 1024-byte keys
				return
			}
			t.Fatalf("id %q ext %q uuid %q: %v", id, ext, uuid, err)
		}
		segs := strings.Split(key, "/")
		if !strings.HasPrefix(key, "acme/meeting/2026/10/05/") || len(segs) != 7 {
			t.Fatalf("key %q", key)
		}
		for _, s := range segs {
			if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "\\\x00\n\r") {
				t.Fatalf("key %q has segment %q", key, s)
			}
		}
		if otherID != id {
			in.File.FileID = otherID
			if other, err := ObjectKey(in); err == nil && other == key {
				t.Fatalf("ids %q and %q share key %q", id, otherID, key)
			}
		}
	})
}
