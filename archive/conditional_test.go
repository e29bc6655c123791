package archive

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Writes are conditional (If-None-Match: *): a key already holding another
// tenant's or file's object, or other bytes, is never overwritten, and a
// repeated write of the same bytes of the same file succeeds.
func TestStreamNeverOverwrites(t *testing.T) {
	s, _ := newTestStore(t, Config{PartSize: 5 * MiB})
	ctx := context.Background()
	p, q := newPattern(11), newPattern(12)

	cases := []struct {
		name string
		size int64
	}{
		{"single put", 3000},
		{"multipart", 12 * MiB},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := "acme/meeting/cond/" + c.name
			first, err := s.Stream(ctx, testObject(key, c.size), p.reader(0, c.size), nil, nil)
			require.NoError(t, err)

			// The same file again (a retry whose first answer was lost):
			// accepted, nothing changes.
			again, err := s.Stream(ctx, testObject(key, c.size), p.reader(0, c.size), nil, nil)
			require.NoError(t, err)
			assert.Equal(t, first.SHA256, again.SHA256)

			// Another tenant's object under the same key.
			other := testObject(key, c.size)
			other.Metadata["tenant"] = "intruder"
			_, err = s.Stream(ctx, other, q.reader(0, c.size), nil, nil)
			require.ErrorIs(t, err, ErrObjectExists)

			// Same tenant and file id, other bytes.
			_, err = s.Stream(ctx, testObject(key, c.size), q.reader(0, c.size), nil, nil)
			require.ErrorIs(t, err, ErrObjectExists)

			sum, n := download(t, s, key)
			assert.Equal(t, p.sha256(c.size), sum, "the first object is intact")
			assert.Equal(t, c.size, n)
			info, ok, err := s.Head(ctx, key)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, "acme", info.Metadata[MetaTenant])
			assert.Zero(t, openUploads(t, s, key), "refused multipart uploads are aborted")
		})
	}
}
