package activities

import (
	"testing"

	"github.com/meetvault/meetvault/zoom"
)

func TestWebinarTypesAreArchivedAsWebinars(t *testing.T) {
	for typ, want := range map[int]string{2: "", 8: "", 5: SourceWebinar, 6: SourceWebinar, 9: SourceWebinar} {
		m := MeetingFromZoom(zoom.Meeting{UUID: "u", Type: zoom.MeetingType(typ)})
		if m.Source != want {
			t.Errorf("type %d: source %q, want %q", typ, m.Source, want)
		}
	}
	if sourcePlatform(SourceWebinar) != "Zoom Webinar" {
		t.Fatal("a webinar's platform is Zoom Webinar")
	}
}
