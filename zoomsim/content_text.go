package zoomsim

import (
	"fmt"
	"io"
)

// textContent is a real text file of an exact size, laid out as
// prefix, n fixed-size records, padding, suffix. Record i depends only on i, so
// any byte range can be produced without generating what precedes it.
type textContent struct {
	size   int64
	prefix []byte
	suffix []byte
	recLen int64
	n      int64 // number of records
	pad    byte
	record func(i int64, dst []byte) // fills exactly recLen bytes
	tiny   []byte                    // whole file when prefix+suffix does not fit
}

var (
	vocabulary = []string{"the", "roadmap", "customer", "okay", "so", "next", "quarter", "we", "should", "ship", "review", "budget", "thanks", "everyone", "agenda", "I", "think", "numbers", "look", "good", "let's", "follow", "up", "on", "that", "timeline", "question", "sounds", "great", "action", "item", "migration", "release", "can", "you", "share", "your", "screen"}
	speakers   = []string{"Alice Anders", "Bob Brown", "Carmen Chen", "Deepak Patel", "Elena Rossi", "Farid Haddad", "Grace Ito", "Hiroshi Tanaka"}
)

func newTextContent(k contentKey, salt uint64) *textContent {
	t := &textContent{size: k.size, pad: '\n'}
	switch {
	case k.ext == "VTT":
		t.prefix, t.recLen = []byte("WEBVTT\n\n"), 160
		t.record = func(i int64, dst []byte) { fillLine(dst, vttCue(i, salt), "\n\n") }
	case k.ext == "TXT":
		t.recLen = 120
		t.record = func(i int64, dst []byte) { fillLine(dst, chatLine(i, salt), "\n") }
	case k.ext == "CSV":
		t.prefix, t.recLen = []byte("#,User Name,Email Address,Submitted Date/Time,Question,Answer\n"), 110
		t.record = func(i int64, dst []byte) { fillLine(dst, pollRow(i, salt), "\n") }
	default: // JSON: the timeline, summaries
		t.prefix, t.suffix, t.recLen, t.pad = []byte(`{"timeline":[`), []byte("]}\n"), 200, ' '
		t.record = func(i int64, dst []byte) { fillLine(dst, timelineEntry(i, salt), "") }
	}
	fixed := int64(len(t.prefix) + len(t.suffix))
	if k.size < fixed {
		t.tiny = append(append([]byte{}, t.prefix...), t.suffix...)[:k.size]
		return t
	}
	t.n = (k.size - fixed) / t.recLen
	return t
}

func (t *textContent) Size() int64 { return t.size }

func (t *textContent) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if off >= t.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), t.size-off))
	if t.tiny != nil {
		copy(p, t.tiny[off:off+int64(n)])
	} else {
		t.fill(p[:n], off)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (t *textContent) fill(p []byte, off int64) {
	pre := int64(len(t.prefix))
	recEnd := pre + t.n*t.recLen
	sufStart := t.size - int64(len(t.suffix))
	rec := make([]byte, t.recLen)
	for len(p) > 0 {
		var k int
		switch {
		case off < pre:
			k = copy(p, t.prefix[off:])
		case off < recEnd:
			i := (off - pre) / t.recLen
			t.record(i, rec)
			k = copy(p, rec[(off-pre)%t.recLen:])
		case off < sufStart:
			k = int(min(int64(len(p)), sufStart-off))
			for j := range k {
				p[j] = t.pad
			}
		default:
			k = copy(p, t.suffix[off-sufStart:])
		}
		p, off = p[k:], off+int64(k)
	}
}

// fillLine writes s then spaces then end into exactly len(dst) bytes,
// shortening s if needed.
func fillLine(dst []byte, s, end string) {
	body := len(dst) - len(end)
	k := copy(dst[:body], s)
	for j := k; j < body; j++ {
		dst[j] = ' '
	}
	copy(dst[body:], end)
}

// mix is splitmix64: a cheap, well-spread hash of a record index.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func words(h uint64, n int) string {
	s := ""
	for j := range n {
		h = mix(h + uint64(j))
		if j > 0 {
			s += " "
		}
		s += vocabulary[h%uint64(len(vocabulary))]
	}
	return s
}

func clockTime(ms int64) string {
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

func vttCue(i int64, salt uint64) string {
	h := mix(salt ^ uint64(i))
	start := i*4000 + int64(h%700)
	end := start + 2500 + int64(h>>16%1000)
	return fmt.Sprintf("%d\n%s --> %s\n%s: %s.", i+1, clockTime(start), clockTime(end),
		speakers[h>>8%uint64(len(speakers))], words(h, 6+int(h>>24%8)))
}

func chatLine(i int64, salt uint64) string {
	h := mix(salt ^ uint64(i))
	s := i*20 + int64(h%19)
	return fmt.Sprintf("%02d:%02d:%02d From %s to Everyone:\n\t%s", s/3600, s/60%60, s%60,
		speakers[h>>8%uint64(len(speakers))], words(h, 3+int(h>>24%6)))
}

func pollRow(i int64, salt uint64) string {
	h := mix(salt ^ uint64(i))
	name := speakers[h>>8%uint64(len(speakers))]
	return fmt.Sprintf("%d,%s,user%d@example.com,Oct 01 2026 10:%02d:%02d,Ready to ship?,%s",
		i+1, name, h%97, h>>4%60, h>>12%60, []string{"Yes", "No", "Not sure"}[h>>20%3])
}

func timelineEntry(i int64, salt uint64) string {
	h := mix(salt ^ uint64(i))
	lead := ","
	if i == 0 {
		lead = " "
	}
	return fmt.Sprintf(`%s{"ts":"%s","users":[{"username":"%s","multiple_people":false,"user_id":"%d","zoom_userid":"u%012x"}]}`,
		lead, clockTime(i*5000+int64(h%4000)), speakers[h>>8%uint64(len(speakers))], 16778240+h%64, h>>16)
}
