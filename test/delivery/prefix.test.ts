import { describe, expect, it } from 'vitest';
import { UserError } from '../../common/user-error.js';
import { compileJavaDatePattern } from '../../pipeline/delivery/java-date-format.js';
import { objectKey, randomString } from '../../pipeline/delivery/object-name.js';
import { DEFAULT_ERROR_PREFIX, DEFAULT_PREFIX, MissingPartitionKeyError, PrefixTemplate } from '../../pipeline/delivery/prefix.js';
import { seededRandom } from '../../pipeline/stream/random.js';

const at = new Date(Date.UTC(2026, 0, 5, 7, 8, 9, 45)); // 2026-01-05 07:08:09.045 UTC

describe('Java DateTimeFormatter patterns', () => {
  it('formats the letters Firehose prefixes use, in UTC', () => {
    expect(compileJavaDatePattern('yyyy/MM/dd/HH')(at)).toBe('2026/01/05/07');
    expect(compileJavaDatePattern('yy-M-d H:m:s.SSS')(at)).toBe('26-1-5 7:8:9.045');
    expect(compileJavaDatePattern("yyyy-MM-dd'T'HH")(at)).toBe('2026-01-05T07');
    expect(compileJavaDatePattern("D''")(at)).toBe("5'");
  });

  it('rejects letters it does not support, naming the pattern', () => {
    expect(() => compileJavaDatePattern('yyyy-ww')).toThrow(UserError);
    expect(() => compileJavaDatePattern('yyyy-ww')).toThrow(/timestamp pattern: uses "w".*"yyyy-ww"/);
    expect(() => compileJavaDatePattern("yyyy'oops")).toThrow(/unterminated quote/);
  });
});

describe('prefix expressions', () => {
  it('puts Lambda partition keys into the default lake layout', () => {
    const prefix = new PrefixTemplate(DEFAULT_PREFIX, 'prefix');
    expect(prefix.partitionKeyNames).toEqual(['event_type', 'year', 'month', 'day', 'hour']);
    const partition = prefix.partition({ event_type: 'trip', year: '2026', month: '01', day: '05', hour: '07' });
    expect(PrefixTemplate.finish(partition, { arrival: at, randomString: () => 'x' })).toBe('events/event_type=trip/year=2026/month=01/day=05/hour=07/');
  });

  it('evaluates timestamp at the given arrival, random-string per object and the error output type', () => {
    const error = new PrefixTemplate(DEFAULT_ERROR_PREFIX, 'errorPrefix', { errorPrefix: true });
    const ctx = { arrival: at, errorOutputType: 'processing-failed', randomString: () => 'abc' };
    expect(PrefixTemplate.finish(error.partition(undefined), ctx)).toBe('errors/processing-failed/year=2026/month=01/day=05/hour=07/');
    const custom = new PrefixTemplate('raw/!{timestamp:yyyy}/!{firehose:random-string}/', 'prefix');
    expect(PrefixTemplate.finish(custom.partition(undefined), ctx)).toBe('raw/2026/abc/');
  });

  it('reports a missing partition key so the record can go to partitioning-failed', () => {
    const prefix = new PrefixTemplate(DEFAULT_PREFIX, 'prefix');
    expect(() => prefix.partition({ event_type: 'trip', year: '2026', month: '01', day: '05' })).toThrow(MissingPartitionKeyError);
    expect(() => prefix.partition(undefined)).toThrow(/"event_type"/);
  });

  it('rejects unsupported or misplaced expressions with the field and the prefix', () => {
    expect(() => new PrefixTemplate('a/!{partitionKeyFromQuery:x}/', 'prefix')).toThrow(/prefix: unsupported expression !\{partitionKeyFromQuery:x\}/);
    expect(() => new PrefixTemplate('a/!{firehose:error-output-type}/', 'prefix')).toThrow(/only allowed in the error prefix/);
    expect(() => new PrefixTemplate('e/!{partitionKeyFromLambda:k}/', 'errorPrefix', { errorPrefix: true })).toThrow(/errorPrefix: .*not allowed/);
    expect(() => new PrefixTemplate('a/!{timestamp:ww}/', 'prefix')).toThrow(/not supported/);
    expect(() => new PrefixTemplate('a/!{oops/', 'prefix')).toThrow(/malformed/);
  });
});

describe('object names', () => {
  it('follow <prefix><stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid><ext>', () => {
    const key = objectKey({ prefix: 'events/x=1/', stream: 'fleet-delivery', version: 1, at, uuid: '0b6d9a3e-8f5c-4a53-9d3b-6d0c0f3f8b11', extension: '.json.gz' });
    expect(key).toBe('events/x=1/fleet-delivery-1-2026-01-05-07-08-09-0b6d9a3e-8f5c-4a53-9d3b-6d0c0f3f8b11.json.gz');
  });

  it('draws an 11-character alphanumeric random string, reproducibly from a seed', () => {
    const a = randomString(seededRandom(7));
    expect(a).toMatch(/^[A-Za-z0-9]{11}$/);
    expect(randomString(seededRandom(7))).toBe(a);
    expect(randomString(seededRandom(8))).not.toBe(a);
  });
});
