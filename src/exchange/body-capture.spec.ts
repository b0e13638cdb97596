import { BodyCapture } from './body-capture.js';

describe('BodyCapture', () => {
  it('keeps every byte under the limit', () => {
    const capture = new BodyCapture(10);
    capture.push(Buffer.from('abc'));
    capture.push(Buffer.from('def'));
    expect(capture.bytes().toString()).toBe('abcdef');
    expect(capture.size).toBe(6);
    expect(capture.truncated).toBe(false);
  });

  it('keeps the first bytes up to the limit and counts the rest', () => {
    const capture = new BodyCapture(4);
    capture.push(Buffer.from('abc'));
    capture.push(Buffer.from('defgh'));
    capture.push(Buffer.from('ij'));
    expect(capture.bytes().toString()).toBe('abcd');
    expect(capture.size).toBe(10);
    expect(capture.truncated).toBe(true);
  });

  it('copies what it keeps rather than holding the chunk', () => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    const capture = new BodyCapture(8);
    capture.push(chunk);
    expect(capture.bytes().buffer).not.toBe(chunk.buffer);
    expect(capture.bytes().length).toBe(8);
  });

  it('keeps nothing with a zero limit', () => {
    const capture = new BodyCapture(0);
    capture.push(Buffer.from('abc'));
    expect(capture.bytes().length).toBe(0);
    expect(capture.truncated).toBe(true);
  });
});
