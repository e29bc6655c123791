package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/temporalconn"
)

// manifests decodes every object of deploy/k8s with Kubernetes' own types
// and a strict deserializer: an unknown or misspelt field, a wrong type or a
// duplicate key fails, as `kubectl apply --validate=strict` would.
func manifests(t *testing.T) []runtime.Object {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme,
		autoscalingv2.AddToScheme, policyv1.AddToScheme} {
		require.NoError(t, add(scheme))
	}
	decoder := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()

	// The fields of kustomize's Kustomization this file uses (strict: a
	// misspelt key fails).
	var kust struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Labels     []struct {
			Pairs map[string]string `json:"pairs"`
		} `json:"labels"`
		Resources []string `json:"resources"`
		Images    []struct {
			Name    string `json:"name"`
			NewName string `json:"newName"`
			NewTag  string `json:"newTag"`
		} `json:"images"`
	}
	b, err := os.ReadFile("k8s/kustomization.yaml")
	require.NoError(t, err)
	require.NoError(t, yaml.UnmarshalStrict(b, &kust))
	require.Equal(t, "Kustomization", kust.Kind)
	require.Len(t, kust.Images, 1)
	require.Equal(t, "meetvault", kust.Images[0].Name)
	files, err := filepath.Glob("k8s/*.yaml")
	require.NoError(t, err)
	for _, f := range files {
		if base := filepath.Base(f); base != "kustomization.yaml" {
			require.Contains(t, kust.Resources, base, "%s is not in kustomization.yaml", f)
		}
	}

	var objs []runtime.Object
	for _, res := range kust.Resources {
		raw, err := os.ReadFile(filepath.Join("k8s", res))
		require.NoError(t, err)
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(raw)))
		for {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			obj, gvk, err := decoder.Decode(doc, nil, nil)
			require.NoError(t, err, "%s", res)
			m, err := meta.Accessor(obj)
			require.NoError(t, err)
			name := m.GetName()
			require.Empty(t, validation.IsDNS1123Subdomain(name), "%s: %s name %q", res, gvk.Kind, name)
			objs = append(objs, obj)
		}
	}
	return objs
}

func TestKubernetesManifestsDecodeStrictly(t *testing.T) {
	objs := manifests(t)
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[reflect.TypeOf(o).Elem().Name()]++
	}
	require.Equal(t, map[string]int{"ServiceAccount": 1, "ConfigMap": 1, "Job": 1, "Deployment": 2, "Service": 1,
		"HorizontalPodAutoscaler": 2, "PodDisruptionBudget": 2}, kinds)
}

// A strict decoder is what makes the test above worth having: a misspelt
// field must fail it.
func TestStrictDecodingCatchesAMisspeltField(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, appsv1.AddToScheme(scheme))
	decoder := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
	_, _, err := decoder.Decode([]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replica: 2}\n"), nil, nil)
	require.ErrorContains(t, err, `unknown field "spec.replica"`)
	_, _, err = decoder.Decode([]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: two}\n"), nil, nil)
	require.Error(t, err)
}

func TestKubernetesManifestsHangTogether(t *testing.T) {
	objs := manifests(t)
	deployments := map[string]*appsv1.Deployment{}
	var configMap *corev1.ConfigMap
	var pods []*corev1.PodTemplateSpec
	for _, o := range objs {
		switch v := o.(type) {
		case *appsv1.Deployment:
			deployments[v.Name] = v
			pods = append(pods, &v.Spec.Template)
		case *batchv1.Job:
			pods = append(pods, &v.Spec.Template)
			require.Equal(t, []string{"admin", "setup"}, v.Spec.Template.Spec.Containers[0].Args)
		case *corev1.ConfigMap:
			configMap = v
		}
	}
	require.Contains(t, deployments, "meetvault-worker")
	require.Contains(t, deployments, "meetvault-ingress")
	require.Equal(t, []string{"-mode", "worker"}, deployments["meetvault-worker"].Spec.Template.Spec.Containers[0].Args)
	require.Equal(t, []string{"-mode", "ingress"}, deployments["meetvault-ingress"].Spec.Template.Spec.Containers[0].Args)

	for name, d := range deployments {
		sel, err := metav1LabelSelector(d.Spec.Selector.MatchLabels)
		require.NoError(t, err)
		require.True(t, sel.Matches(labels.Set(d.Spec.Template.Labels)), "%s: selector does not match its pods", name)
		grace := d.Spec.Template.Spec.TerminationGracePeriodSeconds
		require.NotNil(t, grace, name)
	}
	// Workers get more time to stop than MEETVAULT_SHUTDOWN_GRACE gives activities.
	require.Greater(t, *deployments["meetvault-worker"].Spec.Template.Spec.TerminationGracePeriodSeconds, int64(30))

	for _, p := range pods {
		require.Equal(t, "meetvault", p.Spec.ServiceAccountName)
		require.True(t, *p.Spec.SecurityContext.RunAsNonRoot)
		for _, c := range p.Spec.Containers {
			require.Equal(t, "meetvault", c.Image, "kustomization's images: entry rewrites it")
			require.False(t, c.Resources.Requests.Cpu().IsZero(), c.Name)
			require.False(t, c.Resources.Limits.Memory().IsZero(), c.Name)
			require.True(t, *c.SecurityContext.ReadOnlyRootFilesystem, c.Name)
			var refs []string
			for _, ef := range c.EnvFrom {
				if ef.ConfigMapRef != nil {
					refs = append(refs, "configmap/"+ef.ConfigMapRef.Name)
				}
				if ef.SecretRef != nil {
					refs = append(refs, "secret/"+ef.SecretRef.Name)
				}
			}
			require.Equal(t, []string{"configmap/meetvault", "secret/meetvault"}, refs, c.Name)
			for _, port := range c.Ports {
				require.Empty(t, validation.IsValidPortName(port.Name))
			}
			for _, probe := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
				if probe != nil && probe.HTTPGet != nil {
					require.True(t, slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == probe.HTTPGet.Port.String() }),
						"%s probes port %s it does not declare", c.Name, probe.HTTPGet.Port.String())
				}
			}
		}
	}
	require.NotNil(t, deployments["meetvault-ingress"].Spec.Template.Spec.Containers[0].ReadinessProbe)
	require.Equal(t, "/readyz", deployments["meetvault-ingress"].Spec.Template.Spec.Containers[0].ReadinessProbe.HTTPGet.Path)

	// The ConfigMap sets only variables meetvault reads.
	known := map[string]bool{}
	for _, v := range []any{config.Config{}, temporalconn.Security{}} {
		collectEnvNames(reflect.TypeOf(v), known)
	}
	known["GOMEMLIMIT"] = true
	require.NotNil(t, configMap)
	for k := range configMap.Data {
		require.True(t, known[k], "ConfigMap sets %s, which nothing reads", k)
	}
	require.Equal(t, "false", configMap.Data["MEETVAULT_MIGRATE"], "only the setup job migrates")

	for _, o := range objs {
		switch v := o.(type) {
		case *autoscalingv2.HorizontalPodAutoscaler:
			require.Equal(t, "Deployment", v.Spec.ScaleTargetRef.Kind)
			require.Contains(t, deployments, v.Spec.ScaleTargetRef.Name, "HPA %s scales nothing", v.Name)
			require.GreaterOrEqual(t, *v.Spec.MinReplicas, int32(2), "HPA %s: at least two replicas for availability", v.Name)
		case *policyv1.PodDisruptionBudget:
			requireSelects(t, "PDB "+v.Name, v.Spec.Selector.MatchLabels, deployments)
		case *corev1.Service:
			requireSelects(t, "Service "+v.Name, v.Spec.Selector, deployments)
			d := deployments[v.Name]
			require.NotNil(t, d, "Service %s names its Deployment", v.Name)
			for _, p := range v.Spec.Ports {
				require.Equal(t, d.Spec.Template.Spec.Containers[0].Ports[0].Name, p.TargetPort.String())
			}
		}
	}
}

func metav1LabelSelector(m map[string]string) (labels.Selector, error) {
	if len(m) == 0 {
		return nil, errors.New("empty selector selects everything")
	}
	return labels.SelectorFromSet(m), nil
}

// requireSelects fails unless the selector picks the pods of exactly one
// Deployment.
func requireSelects(t *testing.T, what string, sel map[string]string, deployments map[string]*appsv1.Deployment) {
	t.Helper()
	s, err := metav1LabelSelector(sel)
	require.NoError(t, err, what)
	var hits []string
	for name, d := range deployments {
		if s.Matches(labels.Set(d.Spec.Template.Labels)) {
			hits = append(hits, name)
		}
	}
	require.Len(t, hits, 1, "%s selects %s", what, strings.Join(hits, ", "))
}
