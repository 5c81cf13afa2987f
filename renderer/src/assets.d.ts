/** Vite's `?inline` import of a binary asset: its content as a data URL (data:<mime>;base64,…). */
declare module '*.ttf?inline' {
  const dataUrl: string;
  export default dataUrl;
}
