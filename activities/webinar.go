package activities

// Webinar recordings come in the same listings and recording.completed
// events as meetings (Zoom's /users/{id}/recordings lists both); their
// meeting type tells them apart. They are archived by the same path with
// source "webinar": their own conversation rows ("Zoom Webinar"), object
// keys {tenant}/webinar/... and ArchiveMeeting workflow IDs.

// Zoom's webinar types: 5 webinar, 6 recurring webinar without a fixed
// time, 9 recurring webinar with a fixed time.
const (
	typeWebinar           = 5
	typeRecurringWebinar  = 6
	typeRecurringWebinar9 = 9
)

// IsWebinarType reports whether a Zoom meeting type is a webinar's.
func IsWebinarType(t int) bool {
	return t == typeWebinar || t == typeRecurringWebinar || t == typeRecurringWebinar9
}

// webinarSource is SourceWebinar for a webinar's type, "" (the listing's
// own source) otherwise.
func webinarSource(t int) string {
	if IsWebinarType(t) {
		return SourceWebinar
	}
	return ""
}
