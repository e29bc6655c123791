package zoomsim

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"io"
)

// content is the byte stream of one recording file. It is generated on the fly
// from (scenario seed, file id), never stored, and can be read from any offset.
type content interface {
	Size() int64
	// ReadAt follows io.ReaderAt.
	ReadAt(p []byte, off int64) (int, error)
}

// contentKey is what a file's bytes depend on; equal keys give equal bytes.
type contentKey struct {
	seed     int64
	fileID   string
	fileType string
	ext      string
	size     int64
}

func keyOf(seed int64, f *recFile) contentKey {
	return contentKey{seed: seed, fileID: f.ID, fileType: f.FileType, ext: f.FileExtension, size: f.Size}
}

func (k contentKey) secret() [32]byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(k.seed))
	h := sha256.New()
	h.Write([]byte("zoomsim/content/v1\x00"))
	h.Write(b[:])
	h.Write([]byte(k.fileID))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// newContent picks the generator for the file's type: real text for chat,
// captions, transcripts, timelines and polls; a media container header followed
// by AES-CTR keystream for everything else.
func newContent(k contentKey) content {
	sec := k.secret()
	switch k.ext {
	case "VTT", "TXT", "JSON", "CSV":
		return newTextContent(k, binary.BigEndian.Uint64(sec[:8]))
	}
	return newBinaryContent(k, sec)
}

// binaryContent is a container header followed by pseudo-random media bytes.
// The keystream is AES-128-CTR keyed from the content secret, which streams at
// several GB/s and seeks in O(1).
type binaryContent struct {
	size  int64
	head  []byte
	block cipher.Block
	iv    [16]byte
}

func newBinaryContent(k contentKey, sec [32]byte) *binaryContent {
	block, err := aes.NewCipher(sec[:16])
	if err != nil {
		panic(err) // a 16-byte key cannot fail
	}
	c := &binaryContent{size: k.size, block: block}
	copy(c.iv[:], sec[16:])
	switch k.fileType {
	case "MP4":
		c.head = mediaHeader(k.size, "isom", 0x200, "isom", "iso2", "avc1", "mp41")
	case "M4A":
		c.head = mediaHeader(k.size, "M4A ", 0, "M4A ", "mp42", "isom")
	case "MP3":
		c.head = mp3Header
	}
	return c
}

// mediaHeader builds an ISO-BMFF "ftyp" box and the header of an "mdat" box
// that spans the rest of the file.
func mediaHeader(size int64, major string, minor uint32, compat ...string) []byte {
	ftyp := make([]byte, 0, 16+4*len(compat))
	ftyp = binary.BigEndian.AppendUint32(ftyp, uint32(16+4*len(compat)))
	ftyp = append(ftyp, "ftyp"+major...)
	ftyp = binary.BigEndian.AppendUint32(ftyp, minor)
	for _, c := range compat {
		ftyp = append(ftyp, c...)
	}
	rest := size - int64(len(ftyp))
	switch {
	case rest < 8:
		return ftyp
	case rest <= 0xFFFFFFFF:
		ftyp = binary.BigEndian.AppendUint32(ftyp, uint32(rest))
		return append(ftyp, "mdat"...)
	default:
		ftyp = binary.BigEndian.AppendUint32(ftyp, 1)
		ftyp = append(ftyp, "mdat"...)
		return binary.BigEndian.AppendUint64(ftyp, uint64(rest))
	}
}

func (c *binaryContent) Size() int64 { return c.size }

func (c *binaryContent) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if off >= c.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), c.size-off))
	buf := p[:n]
	iv := c.iv
	addCounter(&iv, uint64(off/aes.BlockSize))
	stream := cipher.NewCTR(c.block, iv[:])
	if skip := int(off % aes.BlockSize); skip > 0 {
		var tmp [aes.BlockSize]byte
		stream.XORKeyStream(tmp[:skip], tmp[:skip])
	}
	// The keystream XORed onto zeros is the keystream; reading the zeros from a
	// shared block saves clearing buf first.
	for rest := buf; len(rest) > 0; {
		k := min(len(rest), len(zeroBlock))
		stream.XORKeyStream(rest[:k], zeroBlock[:k])
		rest = rest[k:]
	}
	if off < int64(len(c.head)) {
		copy(buf, c.head[off:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// zeroBlock is never written.
var zeroBlock = make([]byte, 256<<10)

// addCounter adds n to a 128-bit big-endian counter, as CTR mode increments it.
func addCounter(iv *[16]byte, n uint64) {
	lo := binary.BigEndian.Uint64(iv[8:])
	hi := binary.BigEndian.Uint64(iv[:8])
	sum := lo + n
	if sum < lo {
		hi++
	}
	binary.BigEndian.PutUint64(iv[8:], sum)
	binary.BigEndian.PutUint64(iv[:8], hi)
}
