/**
 * A workload's `spec.selector` (a LabelSelector) as the `labelSelector`
 * query string the API server takes, e.g.
 *   { matchLabels: { app: vllm }, matchExpressions: [{ key: tier, operator: In, values: [gpu] }] }
 *   -> "app=vllm,tier in (gpu)"
 */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

export function selectorString(sel: LabelSelector | null | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b))) parts.push(`${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        throw new Error(`unsupported label selector operator ${JSON.stringify(e.operator)}`);
    }
  }
  // An empty selector would select every pod in the namespace: never what a workload means.
  if (parts.length === 0) throw new Error('the workload has an empty spec.selector');
  return parts.join(',');
}
