import type { AttachmentUpload } from '@tejido/schemas';

/** The largest attachment the server takes (AttachmentUpload in @tejido/schemas): 5 MiB. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

export const ATTACHMENT_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'application/pdf',
] as const satisfies readonly AttachmentUpload['contentType'][];

export type AttachmentProblem = 'tooLarge' | 'wrongType' | 'empty';

/** What is wrong with a file before reading it, or null when it can be sent. */
export function attachmentProblem(file: { size: number; type: string }): AttachmentProblem | null {
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(file.type)) return 'wrongType';
  if (file.size === 0) return 'empty';
  if (file.size > MAX_ATTACHMENT_BYTES) return 'tooLarge';
  return null;
}

/**
 * A file's size as people read it: kilobytes under a megabyte, megabytes with one decimal after.
 *
 * @example fileSize(68) // '1 KB'
 * @example fileSize(7.2 * 1024 * 1024) // '7.2 MB'
 */
export function fileSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.ceil(bytes / 1024))} KB`;
  return `${megabytes(bytes)} MB`;
}

/** Megabytes with one decimal, rounded up, as a file size reads: 7.2 MB. */
export function megabytes(bytes: number): string {
  return (Math.ceil((bytes / (1024 * 1024)) * 10) / 10).toFixed(1);
}

/**
 * The base64 part of a data URL (what FileReader.readAsDataURL gives).
 *
 * @example base64OfDataUrl('data:image/png;base64,iVBORw0=') // 'iVBORw0='
 */
export function base64OfDataUrl(dataUrl: string): string {
  const comma = dataUrl.indexOf(',');
  return comma < 0 ? '' : dataUrl.slice(comma + 1);
}

/** A file name the server takes: no folders, at most 200 characters, the extension kept. */
export function safeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop()?.replace(/\0/g, '').trim() || 'archivo';
  if (base.length <= 200) return base;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 10 ? base.slice(dot) : '';
  return base.slice(0, 200 - ext.length) + ext;
}

/** Reads a file chosen in the browser as the API's upload. */
export function readAttachment(file: File): Promise<AttachmentUpload> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.onload = () =>
      resolve({
        fileName: safeFileName(file.name),
        contentType: file.type as AttachmentUpload['contentType'],
        dataBase64: base64OfDataUrl(String(reader.result)),
      });
    reader.readAsDataURL(file);
  });
}
