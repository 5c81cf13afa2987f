/**
 * Bytes to base64 for export.save (the bytes travel to main as base64). Encoded in slices whose
 * length is a multiple of 3, so the pieces concatenate into one valid base64 string, and small
 * enough that String.fromCharCode's argument list never overflows the stack.
 */
const sliceBytes = 3 * 8192;

export function bytesToBase64(bytes: Uint8Array): string {
  const pieces: string[] = [];
  for (let start = 0; start < bytes.length; start += sliceBytes) {
    const slice = bytes.subarray(start, Math.min(start + sliceBytes, bytes.length));
    pieces.push(btoa(String.fromCharCode(...slice)));
  }
  return pieces.join('');
}

/** UTF-8 text (CSV, JSON) to base64. */
export function textToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}
