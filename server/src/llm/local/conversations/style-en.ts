/** English customer phrasing that does not depend on the intent: greetings, tone, reactions. */
import type { CustomerStyle } from './types.ts';

export const STYLE_EN: CustomerStyle = {
  greetings: ['Hi', 'Hello', 'Hey', 'Hi there', 'Good morning', 'Good afternoon', 'Hello there'],
  leadIn: {
    positive: [
      'Quick question.',
      'Hope you can help.',
      'Hope you’re well!',
      'Sorry to bother you.',
    ],
    neutral: ['I have a question.', 'I need some help.', 'Can you help me?', 'Question:'],
    negative: [
      'This is really frustrating.',
      'Seriously?',
      'I’m getting annoyed.',
      'Not happy at all.',
      'This is ridiculous.',
      'I need help ASAP.',
      'Urgent!',
      'Help!',
    ],
  },
  tail: {
    positive: [
      'Thanks in advance!',
      'Thank you!',
      'Thanks so much.',
      'Appreciate it :)',
      'Cheers!',
      'Many thanks.',
    ],
    neutral: ['Thanks.', 'Please advise.', 'Can you help?', 'Let me know.', 'Thank you.'],
    negative: [
      'Please sort this out!',
      'I need this fixed now.',
      'This is unacceptable.',
      'What is going on??',
      'Fix this please!!',
      'I’ve had enough.',
      'Why is this so hard?',
    ],
  },
  connectors: ['', '', '', 'Sure.', 'Yes.', 'OK.', 'Right,', 'Well,', 'So,', 'Yeah,'],
  secondIssue: [
    'Also, while I have you, can I get notifications for this kind of thing in the app?',
    'One more thing: can you send me a summary of this by email?',
    'And another thing, the app has been really slow lately. Is that a known issue?',
    'Also, is there a way to see all of this in my monthly statement?',
    'By the way, I also want to make sure my contact email is still the right one.',
  ],
  generic: [
    'Yes, that’s right.',
    'Yes, it’s the account in my name.',
    'No, nothing else has changed.',
    'I’m using the latest version of the app.',
    'Sure, whatever you need.',
  ],
  reaction: {
    resolved: {
      positive: [
        'Perfect, thank you so much!',
        'Great, that worked. Thanks a lot!',
        'Brilliant, thanks for the quick help!',
        'Amazing, thank you!',
      ],
      neutral: ['OK, thanks.', 'That works, thank you.', 'Got it, thanks.', 'Fine, thank you.'],
      negative: [
        'Finally. Thanks.',
        'OK, that fixed it. Thanks, I guess.',
        'Good, thanks. Took long enough.',
        'Alright, thank you, that’s sorted now.',
      ],
    },
    unresolved: {
      positive: [
        'Oh, that’s a shame. I was hoping you could fix it.',
        'OK… not what I hoped for, but thanks for trying.',
      ],
      neutral: [
        'So there’s nothing you can do? That’s disappointing.',
        'OK, but that doesn’t really solve my problem.',
        'Right. I still don’t have a solution then.',
      ],
      negative: [
        'That’s useless. I’m really not happy.',
        'So you can’t help me at all? Unbelievable.',
        'This is a joke. I’ll think about closing my account.',
        'That doesn’t help me at all.',
      ],
    },
    escalated: {
      positive: [
        'OK, thanks for passing it on. I’ll wait for them.',
        'Great, thank you. I’ll keep an eye on my email.',
      ],
      neutral: [
        'OK. How long will they take?',
        'Alright, I’ll wait to hear from them.',
        'Fine, I’ll keep the ticket number.',
      ],
      negative: [
        'Another wait? OK, but please make it quick.',
        'Fine. I hope they actually fix it this time.',
        'I’ll wait, but I’m not happy about it.',
      ],
    },
  },
};
