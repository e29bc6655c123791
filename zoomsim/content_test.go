package zoomsim

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

func readAll(t *testing.T, c content) []byte {
	t.Helper()
	out := make([]byte, c.Size())
	if n, err := c.ReadAt(out, 0); int64(n) != c.Size() || err != nil {
		t.Fatalf("ReadAt whole: n=%d err=%v", n, err)
	}
	return out
}

func TestContentRandomAccessMatchesSequential(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range []contentKey{
		{seed: 5, fileID: "a", fileType: "MP4", ext: "MP4", size: 1<<20 + 3},
		{seed: 5, fileID: "b", fileType: "M4A", ext: "M4A", size: 70001},
		{seed: 5, fileID: "c", fileType: "TRANSCRIPT", ext: "VTT", size: 50000},
		{seed: 5, fileID: "d", fileType: "CHAT", ext: "TXT", size: 3333},
		{seed: 5, fileID: "e", fileType: "TIMELINE", ext: "JSON", size: 7777},
		{seed: 5, fileID: "f", fileType: "CSV", ext: "CSV", size: 999},
		{seed: 5, fileID: "g", fileType: "TIMELINE", ext: "JSON", size: 7},
	} {
		c := newContent(k)
		full := readAll(t, c)
		for range 200 {
			off := r.Int64N(k.size)
			n := 1 + r.IntN(40000)
			p := make([]byte, n)
			got, _ := c.ReadAt(p, off)
			want := full[off:min(off+int64(n), k.size)]
			if got != len(want) || !bytes.Equal(p[:got], want) {
				t.Fatalf("%s: ReadAt(%d, %d) differs from the sequential bytes", k.fileID, off, n)
			}
		}
		if !bytes.Equal(full, readAll(t, newContent(k))) {
			t.Fatalf("%s: not deterministic", k.fileID)
		}
	}
}

func TestContentLooksReal(t *testing.T) {
	mp4 := readAll(t, newContent(contentKey{seed: 1, fileID: "m", fileType: "MP4", ext: "MP4", size: 5000}))
	if binary.BigEndian.Uint32(mp4[0:4]) != 32 || string(mp4[4:12]) != "ftypisom" || string(mp4[36:40]) != "mdat" ||
		binary.BigEndian.Uint32(mp4[32:36]) != 5000-32 {
		t.Fatalf("MP4 boxes: %q", mp4[:40])
	}
	huge := newContent(contentKey{seed: 1, fileID: "h", fileType: "MP4", ext: "MP4", size: 5 << 30})
	head := make([]byte, 48)
	_, _ = huge.ReadAt(head, 0)
	if binary.BigEndian.Uint32(head[32:36]) != 1 || string(head[36:40]) != "mdat" || binary.BigEndian.Uint64(head[40:48]) != 5<<30-32 {
		t.Fatalf("large mdat header: %x", head[32:48])
	}
	m4a := readAll(t, newContent(contentKey{seed: 1, fileID: "a", fileType: "M4A", ext: "M4A", size: 900}))
	if string(m4a[4:12]) != "ftypM4A " {
		t.Fatalf("M4A brand: %q", m4a[:12])
	}
	vtt := readAll(t, newContent(contentKey{seed: 1, fileID: "v", fileType: "CC", ext: "VTT", size: 4000}))
	if !strings.HasPrefix(string(vtt), "WEBVTT\n\n1\n00:00:0") || !strings.Contains(string(vtt), " --> ") {
		t.Fatalf("VTT: %q", vtt[:60])
	}
	for _, size := range []int64{16, 17, 215, 216, 5000, 123457} {
		js := readAll(t, newContent(contentKey{seed: 1, fileID: "t", fileType: "TIMELINE", ext: "JSON", size: size}))
		var v struct {
			Timeline []struct {
				TS    string `json:"ts"`
				Users []struct {
					Username string `json:"username"`
				} `json:"users"`
			} `json:"timeline"`
		}
		if err := json.Unmarshal(js, &v); err != nil {
			t.Fatalf("timeline of %d bytes is not JSON: %v", size, err)
		}
		if size > 300 && (len(v.Timeline) == 0 || v.Timeline[0].Users[0].Username == "") {
			t.Fatalf("timeline of %d bytes has no entries", size)
		}
	}
}

// BenchmarkContentGenerator measures the generator speed the download benchmark
// relies on (it must never be the bottleneck).
func BenchmarkContentGenerator(b *testing.B) {
	c := newContent(contentKey{seed: 1, fileID: "x", fileType: "MP4", ext: "MP4", size: 1 << 40})
	buf := make([]byte, downloadChunk)
	b.SetBytes(int64(len(buf)))
	for i := 0; b.Loop(); i++ {
		_, _ = c.ReadAt(buf, int64(i)*int64(len(buf)))
	}
}
