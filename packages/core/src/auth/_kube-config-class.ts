// client-node's KubeConfig, re-exported by name for the lazy loads of _connection.ts: a bundle keeps
// only the parts of client-node that are imported by name, while `import('@kubernetes/client-node')`
// keeps the whole package (the generated clients of every API group, ~2 MB of the CLI's
// Kubernetes chunk, parsed and held in memory by every command that talks to the cluster).
export { KubeConfig } from '@kubernetes/client-node';
