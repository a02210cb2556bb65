/**
 * How the provider signs in to Azure.
 */
export enum IdentityMode {
  /** AKS identity binding (`useAzureTokenProxy`): one federated credential for any number of workloads and clusters. */
  IDENTITY_BINDING = 'IdentityBinding',
  /** Microsoft Entra Workload ID: one federated credential per cluster, namespace and ServiceAccount. */
  WORKLOAD_IDENTITY = 'WorkloadIdentity',
  /** The node's (VM/VMSS) managed identity, user- or system-assigned. */
  VM_MANAGED_IDENTITY = 'VMManagedIdentity',
  /** A service principal whose client ID and secret are in a Kubernetes Secret (nodePublishSecretRef). */
  SERVICE_PRINCIPAL = 'ServicePrincipal',
  /** aad-pod-identity (deprecated upstream, Linux only). */
  POD_IDENTITY = 'PodIdentity',
}
