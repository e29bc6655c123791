package archive

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// A download cut short reports io.ErrUnexpectedEOF, like a truncated HTTP body.
type cutReader struct {
	r    io.Reader
	left int64
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// A truncated source of unknown size (CC and TIMELINE files have no
// file_size) must fail, never be stored as if complete.
func TestStreamRefusesATruncatedSourceOfUnknownSize(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	ctx := context.Background()
	p := newPattern(7)
	for _, cut := range []int64{100, 2 << 20, 7 << 20} {
		key := "cut/" + string(rune('a'+cut%26))
		_, err := s.Stream(ctx, testObject(key, -1), &cutReader{r: p.reader(0, 16<<20), left: cut}, nil, nil)
		require.Error(t, err, "cut at %d", cut)
		require.True(t, errors.Is(err, io.ErrUnexpectedEOF), "cut at %d: %v", cut, err)
		_, ok, err := s.Head(ctx, key)
		require.NoError(t, err)
		require.False(t, ok, "cut at %d: a truncated file was stored", cut)
	}
}
