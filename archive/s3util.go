package archive

import (
	"errors"
	"net/url"
	"strings"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// unsignedPayload signs a body-carrying request with UNSIGNED-PAYLOAD. The
// body is still protected: every such request carries x-amz-checksum-sha256,
// a signed header the server checks against the body. This saves the SDK's
// own SHA-256 pass over the body (and the server's second one).
func unsignedPayload(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)
}

// httpStatus is the HTTP status of an S3 error, or 0.
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// isPreconditionFailed reports a conditional write refused because the
// key already exists (412).
func isPreconditionFailed(err error) bool {
	var ae smithy.APIError
	return httpStatus(err) == 412 || (errors.As(err, &ae) && ae.ErrorCode() == "PreconditionFailed")
}

// isNoSuchUpload reports an upload ID that was aborted, completed or expired.
func isNoSuchUpload(err error) bool {
	var nsu *types.NoSuchUpload
	if errors.As(err, &nsu) {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchUpload"
}

// unquote strips the quotes S3 puts around ETags.
func unquote(etag string) string { return strings.Trim(etag, `"`) }

// copySource is the x-amz-copy-source value for bucket/key (URL-encoded,
// slashes kept), pinned to versionID when the bucket is versioned.
func copySource(bucket, key, versionID string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	src := bucket + "/" + strings.Join(segs, "/")
	if versionID != "" {
		src += "?versionId=" + url.QueryEscape(versionID)
	}
	return src
}

func cloneParts(p []Part) []Part { return append([]Part(nil), p...) }
