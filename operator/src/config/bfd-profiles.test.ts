import { describe } from 'node:test';
import { bfd, runCases, type Case } from '../testing/config-test-kit.ts';

const B = (name: string) => `BFDProfile/${name}`;

const cases: Case[] = [
  { desc: 'valid: every field at its bounds', input: { bfdProfiles: [bfd('a', { receiveInterval: 10, transmitInterval: 60000, detectMultiplier: 255, echoInterval: 10, minimumTtl: 254, echoMode: true, passiveMode: true })] }, want: [] },
  { desc: 'valid: empty profile', input: { bfdProfiles: [bfd('a')] }, want: [] },
  { desc: 'B1: missing name', input: { bfdProfiles: [bfd('')] }, want: [{ rule: 'B1', object: B(''), field: 'metadata.name', message: /missing bfd profile name/ }] },
  {
    desc: 'B1: values out of range',
    input: { bfdProfiles: [bfd('a', { detectMultiplier: 1, receiveInterval: 60001, transmitInterval: 9, minimumTtl: 255, echoInterval: 2.5 })] },
    want: [
      { rule: 'B1', object: B('a'), field: 'spec.detectMultiplier', message: /^invalid detect multiplier value: invalid value 1, must be in 2-255 range$/ },
      { rule: 'B1', object: B('a'), field: 'spec.echoInterval', message: /invalid echo interval value/ },
      { rule: 'B1', object: B('a'), field: 'spec.minimumTtl', message: /invalid minimum ttl value: invalid value 255, must be in 1-254 range/ },
      { rule: 'B1', object: B('a'), field: 'spec.receiveInterval', message: /invalid receive interval value/ },
      { rule: 'B1', object: B('a'), field: 'spec.transmitInterval', message: /invalid transmit interval value/ },
    ],
  },
  { desc: 'B2: duplicate name', input: { bfdProfiles: [bfd('a'), bfd('a', { echoMode: true })] }, want: [{ rule: 'B2', object: B('a'), field: 'metadata.name', message: /found duplicate bfd profile name a/ }] },
];

describe('BFD profiles (B1–B2)', () => runCases(cases));
