// Offering what the dashboard made (CSV, FHIR JSON, recovery codes, the clinic's ZIP) as a file to save.

/** Offers `content` as a file called `name`, of the given media type. */
export function downloadFile(content: string | Uint8Array<ArrayBuffer>, name: string, type: string): void {
  const blob = new Blob([content], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
