// Offering text the dashboard made (CSV, FHIR JSON, recovery codes) as a file to save.

/** Offers `text` as a file called `name`, of the given media type. */
export function downloadFile(text: string, name: string, type: string): void {
  const blob = new Blob([text], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
