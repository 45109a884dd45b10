import { describe, expect, it } from 'vitest';
import { formatBytes, storageLines } from './storage';

describe('storage lines in settings', () => {
  it('say whether the browser promised to keep the data, and how much it uses', () => {
    expect(storageLines({ persisted: true, usage_bytes: 2_400_000, quota_bytes: 5_000_000_000 }, 'en')).toEqual([
      { key: 'storage.kept' },
      { key: 'storage.used', vars: { used: '2.4 MB', quota: '5 GB' } },
    ]);
    expect(storageLines({ persisted: false, usage_bytes: null, quota_bytes: null }, 'en')).toEqual([{ key: 'storage.not_kept' }]);
  });
  it('format sizes in the page language', () => {
    expect(formatBytes(12_345_678, 'es')).toBe('12 MB');
    expect(formatBytes(1_500_000, 'es')).toBe('1,5 MB');
  });
});
