import { describe, expect, it } from 'vitest';
import { draftFromSettings, settingsBody, settingsProblems } from './clinicSettings';

const draft = (over: Partial<ReturnType<typeof draftFromSettings>> = {}) => ({
  ...draftFromSettings({ locale: 'en-GB', pain_advice_at: 6 }),
  ...over,
});

describe('clinic settings form', () => {
  it('starts from the saved settings and sends them back trimmed', () => {
    expect(draft()).toEqual({ locale: 'en-GB', painAdviceAt: '6', familyContact: '' });
    expect(settingsProblems(draft())).toEqual([]);
    expect(settingsBody(draft({ locale: 'en-US', painAdviceAt: ' 4 ', familyContact: '  Call 555-0100 ' }))).toEqual({
      locale: 'en-US', pain_advice_at: 4, family_contact: 'Call 555-0100',
    });
    expect(settingsBody(draft({ familyContact: '   ' }))).toEqual({ locale: 'en-GB', pain_advice_at: 6 });
  });
  it('names every field at fault at once, in form order', () => {
    const problems = settingsProblems(draft({ locale: 'xx', painAdviceAt: '11', familyContact: 'x'.repeat(301) }));
    expect(problems.map((p) => p.field)).toEqual(['locale', 'pain_advice_at', 'family_contact']);
    expect(settingsProblems(draft({ painAdviceAt: '0' })).map((p) => p.field)).toEqual(['pain_advice_at']);
    expect(settingsProblems(draft({ painAdviceAt: '4.5' })).map((p) => p.field)).toEqual(['pain_advice_at']);
    expect(settingsProblems(draft({ familyContact: '–'.repeat(300) }))).toEqual([]);
  });
});
