export function renderHtml(_p: unknown): string {
  return '';
}
