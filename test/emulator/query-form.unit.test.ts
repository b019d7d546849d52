import { describe, expect, it } from 'vitest';
import { decodeQueryForm } from '../../src/emulator/query-form.js';

describe('decodeQueryForm', () => {
  it('when keys are flat, it keeps strings', () => {
    expect(decodeQueryForm('Action=Publish&Message=a%20b%26c')).toEqual({ Action: 'Publish', Message: 'a b&c' });
  });

  it('when keys use member.N, it builds a list in index order', () => {
    expect(decodeQueryForm('L.member.2.Id=b&L.member.1.Id=a&L.member.10.Id=j')).toEqual({ L: [{ Id: 'a' }, { Id: 'b' }, { Id: 'j' }] });
  });

  it('when keys use entry.N with key/value or Name/Value, it builds a map', () => {
    const form = 'Attributes.entry.1.key=FifoTopic&Attributes.entry.1.value=true&MessageAttributes.entry.1.Name=tier&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=VIP';
    expect(decodeQueryForm(form)).toEqual({
      Attributes: { FifoTopic: 'true' },
      MessageAttributes: { tier: { DataType: 'String', StringValue: 'VIP' } },
    });
  });

  it('when the body is not a form at all, it yields no Action rather than failing', () => {
    expect(decodeQueryForm('<xml>').Action).toBeUndefined();
  });
});
