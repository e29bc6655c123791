package zoomsim

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"math"
)

// RTMS media content is a pure function of the stream id and the position
// on the timeline, so /_sim/truth can state what was sent.

const (
	rtmsFrameMS      = 20
	rtmsSamplesFrame = 320 // 16 kHz mono, 20 ms
	rtmsFrameBytes   = rtmsSamplesFrame * 2
	rtmsBufferFrames = 60 * 1000 / rtmsFrameMS // Zoom buffers up to 60 s of audio before the connect
)

// rtmsTone is one period of the stream's test tone.
type rtmsTone []int16

func newRTMSTone(streamID string) rtmsTone {
	h := fnv.New32a()
	h.Write([]byte(streamID))
	period := 20 + int(h.Sum32()%61) // 200–800 Hz at 16 kHz
	t := make(rtmsTone, period)
	for i := range t {
		t[i] = int16(6000 * math.Sin(2*math.Pi*float64(i)/float64(period)))
	}
	return t
}

// frame renders audio frame f (L16 little-endian).
func (t rtmsTone) frame(f int) []byte {
	out := make([]byte, rtmsFrameBytes)
	for i := 0; i < rtmsSamplesFrame; i++ {
		n := f*rtmsSamplesFrame + i
		v := t[n%len(t)] + int16((f*7)%64)
		binary.LittleEndian.PutUint16(out[2*i:], uint16(v))
	}
	return out
}

// rtmsSpeaker is a participant of a streamed meeting.
type rtmsSpeaker struct {
	ID   int64
	Name string
}

// rtmsTranscriptText is the text of speaker turn k (1-based).
func rtmsTranscriptText(streamID string, k int) string {
	return fmt.Sprintf("Turn %d of stream %s: we agreed on item %d.", k, prefix(streamID, 8), k*k)
}

// rtmsVideoFrame renders video frame k as a small JPG whose colour follows k.
func rtmsVideoFrame(k int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 36))
	c := color.RGBA{R: uint8(k * 37), G: uint8(k * 91), B: uint8(k * 13), A: 255}
	for y := 0; y < 36; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	return b.Bytes()
}
