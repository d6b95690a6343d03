package pullsecret

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// Secrets are read around client-go's REST client, which logs every
// response body from -v=8 (the whole of it at -v=9): a Secret's data, or a
// kubectl-applied Secret's last-applied annotation, which holds the data
// too, would reach stderr. A Reader sends a plain GET through an HTTP
// client made from the same rest.Config (its credentials, TLS,
// impersonation and the connection's wrappers, client-go's debugging
// round tripper among them: it logs the URL, the headers with the
// Authorization masked, and never a body) and decodes the answer itself,
// without logging it. Every other request keeps kubectl's -v.
type Reader struct {
	client *http.Client
	base   *url.URL // the API server, with the path prefix of its URL if any
}

// maxSecretBytes bounds what is read of one answer: a Secret holds at
// most 1 MiB of data, base64 in JSON makes it 4/3 of that.
const maxSecretBytes = 3 << 20

// NewReader reads Secrets from the API server cfg names, as cfg says.
func NewReader(cfg *rest.Config) (*Reader, error) {
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	base, _, err := rest.DefaultServerUrlFor(cfg)
	if err != nil {
		return nil, err
	}
	return &Reader{client: client, base: base}, nil
}

// Get reads a Secret, or with metadataOnly its metadata alone (whether it
// exists). A Secret that is not there is apierrors' NotFound; a nil
// Reader (tests with fake clients) reads none.
func (q *Reader) Get(ctx context.Context, namespace, name string, metadataOnly bool) (*corev1.Secret, error) {
	if q == nil {
		return nil, errors.New("no client for Secrets")
	}
	u := q.base.JoinPath("api", "v1", "namespaces", namespace, "secrets", name)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if metadataOnly {
		req.Header.Set("Accept", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := q.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxSecretBytes))
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, name)
	default:
		// The status only: the body is the server's, and not logged.
		return nil, fmt.Errorf("get Secret %s/%s: %s", namespace, name, resp.Status)
	}
	var s corev1.Secret
	if err := json.Unmarshal(body, &s); err != nil {
		// Not the decoder's words: they can quote the data.
		return nil, fmt.Errorf("get Secret %s/%s: the answer is not a Secret", namespace, name)
	}
	return &s, nil
}
