// Command puller is the test cluster's stand-in for a kubelet's image pull
// from the warehouse (hack/registry). kwok runs no container runtime, so
// for every scheduled pod with an image in the warehouse the puller
// resolves that image in the registry with the pod's imagePullSecrets and
// its ServiceAccount's, as a kubelet would, and writes what it learnt on
// the pod as annotations. The kwok stages (hack/kwok/stages.yaml) then start
// the pod with the registry's digest as imageID, or fail its pull with the
// registry's answer (not found, unauthorized).
//
//	go run ./hack/puller -kubeconfig .cluster/kubeconfig -registry 127.0.0.1:5117
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	k8schain "github.com/google/go-containerregistry/pkg/authn/kubernetes"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
)

// Annotations the puller writes and the kwok stages read.
const (
	resultKey = "pull.mannequin.kubectl.io/result" // ok, or failed
	// digestPrefix + container name: the digest its image resolved to.
	digestPrefix = "pull.mannequin.kubectl.io/digest."
	// errorPrefix + container name: why its image could not be pulled,
	// in a kubelet's words.
	errorPrefix = "pull.mannequin.kubectl.io/error."
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "the cluster's kubeconfig")
	registry := flag.String("registry", "127.0.0.1:5117", "the warehouse's address: only its images are pulled here")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *kubeconfig, *registry); err != nil {
		fmt.Fprintln(os.Stderr, "puller:", err)
		os.Exit(1)
	}
}

type puller struct {
	client   kubernetes.Interface
	prefix   string // the warehouse's address and a slash
	pods     cache.SharedIndexInformer
	queue    workqueue.TypedRateLimitingInterface[string]
	resolver func(ctx context.Context, ref string, kc authn.Keychain) (string, error)
}

func run(ctx context.Context, kubeconfig, registry string) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("load kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = 500, 1000
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	p := &puller{
		client:   client,
		prefix:   registry + "/",
		pods:     informers.NewSharedInformerFactory(client, 0).Core().V1().Pods().Informer(),
		queue:    workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		resolver: resolve,
	}
	enqueue := func(obj any) {
		if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
			p.queue.Add(key)
		}
	}
	if _, err := p.pods.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
	}); err != nil {
		return err
	}
	go p.pods.RunWithContext(ctx)
	if !cache.WaitForCacheSync(ctx.Done(), p.pods.HasSynced) {
		return errors.New("pods never synced")
	}
	fmt.Printf("puller watching pods for images of %s\n", registry)
	for range 4 {
		go p.work(ctx)
	}
	<-ctx.Done()
	p.queue.ShutDown()
	return nil
}

func (p *puller) work(ctx context.Context) {
	for {
		key, quit := p.queue.Get()
		if quit {
			return
		}
		if err := p.pull(ctx, key); err != nil {
			fmt.Fprintf(os.Stderr, "puller: %s: %v\n", key, err)
			p.queue.AddRateLimited(key)
		} else {
			p.queue.Forget(key)
		}
		p.queue.Done(key)
	}
}

// pull resolves the warehouse images of one scheduled pod, once.
func (p *puller) pull(ctx context.Context, key string) error {
	obj, exists, err := p.pods.GetStore().GetByKey(key)
	if err != nil || !exists {
		return err
	}
	pod := obj.(*corev1.Pod)
	if pod.Spec.NodeName == "" || pod.DeletionTimestamp != nil || pod.Annotations[resultKey] != "" {
		return nil
	}
	var mine []corev1.Container
	for _, c := range pod.Spec.Containers {
		if strings.HasPrefix(c.Image, p.prefix) {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	secrets := make([]string, len(pod.Spec.ImagePullSecrets))
	for i, s := range pod.Spec.ImagePullSecrets {
		secrets[i] = s.Name
	}
	kc, err := k8schain.New(ctx, p.client, k8schain.Options{
		Namespace: pod.Namespace, ServiceAccountName: pod.Spec.ServiceAccountName, ImagePullSecrets: secrets,
	})
	if err != nil {
		return fmt.Errorf("pull credentials: %w", err)
	}
	ann := map[string]string{resultKey: "ok"}
	for _, c := range mine {
		digest, err := p.resolver(ctx, c.Image, kc)
		if err != nil {
			ann[resultKey] = "failed"
			ann[errorPrefix+c.Name] = kubeletMessage(c.Image, err)
			continue
		}
		ann[digestPrefix+c.Name] = digest
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": ann}})
	if err != nil {
		return err
	}
	_, err = p.client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	return err
}

// resolve asks the registry which manifest ref names, with kc's credentials.
func resolve(ctx context.Context, ref string, kc authn.Keychain) (string, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	desc, err := remote.Head(r, remote.WithContext(ctx), remote.WithAuthFromKeychain(kc))
	if err != nil {
		return "", err
	}
	return desc.Digest.String(), nil
}

// kubeletMessage words a failed pull as containerd reports it through the
// kubelet, with the registry's own answer.
func kubeletMessage(image string, err error) string {
	var terr *transport.Error
	if errors.As(err, &terr) {
		switch terr.StatusCode {
		case http.StatusNotFound:
			return fmt.Sprintf("rpc error: code = NotFound desc = failed to pull and unpack image %q: failed to resolve reference %q: %s: not found", image, image, image)
		case http.StatusUnauthorized, http.StatusForbidden:
			return fmt.Sprintf("failed to pull and unpack image %q: failed to resolve reference %q: pull access denied, repository does not exist or may require authorization: authorization failed: %d %s", image, image, terr.StatusCode, http.StatusText(terr.StatusCode))
		}
	}
	return fmt.Sprintf("rpc error: code = Unknown desc = failed to pull and unpack image %q: %v", image, err)
}
