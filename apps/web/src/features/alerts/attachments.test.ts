import { describe, expect, it } from 'vitest';
import {
  attachmentProblem,
  base64OfDataUrl,
  fileSize,
  MAX_ATTACHMENT_BYTES,
  megabytes,
  safeFileName,
} from './attachments';

describe('attachments', () => {
  it('take photos and PDFs up to 5 MiB', () => {
    expect(attachmentProblem({ size: 1000, type: 'image/jpeg' })).toBeNull();
    expect(attachmentProblem({ size: MAX_ATTACHMENT_BYTES, type: 'application/pdf' })).toBeNull();
    expect(attachmentProblem({ size: MAX_ATTACHMENT_BYTES + 1, type: 'image/png' })).toBe('tooLarge');
    expect(attachmentProblem({ size: 10, type: 'text/plain' })).toBe('wrongType');
    expect(attachmentProblem({ size: 0, type: 'image/webp' })).toBe('empty');
  });

  it('say a size in megabytes, rounded up', () => {
    expect(megabytes(7.2 * 1024 * 1024)).toBe('7.2');
    expect(megabytes(MAX_ATTACHMENT_BYTES + 1)).toBe('5.1');
    expect(fileSize(68)).toBe('1 KB');
    expect(fileSize(300 * 1024)).toBe('300 KB');
    expect(fileSize(2.5 * 1024 * 1024)).toBe('2.5 MB');
  });

  it('send the base64 part of a data URL', () => {
    expect(base64OfDataUrl('data:image/png;base64,iVBORw0=')).toBe('iVBORw0=');
    expect(base64OfDataUrl('nothing')).toBe('');
  });

  it('keep a file name without folders and within 200 characters', () => {
    expect(safeFileName('C:\\fotos\\niño.jpg')).toBe('niño.jpg');
    const long = `${'a'.repeat(250)}.pdf`;
    expect(safeFileName(long)).toHaveLength(200);
    expect(safeFileName(long).endsWith('.pdf')).toBe(true);
  });
});
