// The words of generated subdomains (`brave-otter-7f3kq2`): short, plain, harmless English, each
// a valid DNS label on its own. Exactly 128 of each, so that one random byte picks a word
// without bias (a byte's low 7 bits are uniform). Changing a list changes which names
// `isGeneratedName` recognises: names handed out before keep working only while their words stay.

/** 128 adjectives. */
export const ADJECTIVES: readonly string[] = Object.freeze([
  'able', 'agile', 'airy', 'alert', 'amber', 'ample', 'apt', 'avid', 'awake', 'basic', 'bold',
  'brave', 'brief', 'bright', 'brisk', 'broad', 'calm', 'candid', 'cheery', 'clean', 'clear',
  'comfy', 'cool', 'cozy', 'crisp', 'curly', 'dandy', 'deep', 'dreamy', 'eager', 'early', 'easy',
  'epic', 'fair', 'fast', 'fine', 'firm', 'fleet', 'fluid', 'fond', 'frank', 'free', 'fresh',
  'full', 'funny', 'fuzzy', 'gentle', 'giant', 'glad', 'glossy', 'golden', 'good', 'grand',
  'great', 'green', 'happy', 'hardy', 'hazy', 'hearty', 'honest', 'humble', 'icy', 'ideal',
  'jolly', 'jovial', 'juicy', 'keen', 'kind', 'lavish', 'light', 'lively', 'lucid', 'lucky',
  'lunar', 'magic', 'mellow', 'merry', 'mild', 'minty', 'modern', 'noble', 'open', 'plush',
  'polar', 'prime', 'proud', 'quick', 'quiet', 'rapid', 'ready', 'regal', 'rich', 'ripe', 'rosy',
  'royal', 'rustic', 'safe', 'sandy', 'sharp', 'shiny', 'silky', 'silver', 'sleek', 'slim',
  'smart', 'smooth', 'snowy', 'solar', 'solid', 'spicy', 'spry', 'steady', 'stout', 'sunny',
  'super', 'sweet', 'swift', 'tame', 'tidy', 'tiny', 'tough', 'true', 'vast', 'vivid', 'warm',
  'wavy', 'wild', 'wise',]);

/** 128 animals. */
export const ANIMALS: readonly string[] = Object.freeze([
  'alpaca', 'badger', 'bat', 'bear', 'beaver', 'bison', 'boar', 'bobcat', 'buffalo', 'camel',
  'canary', 'carp', 'cheetah', 'cobra', 'colt', 'condor', 'corgi', 'cougar', 'coyote', 'crab',
  'crane', 'crow', 'deer', 'dingo', 'dodo', 'dolphin', 'donkey', 'dove', 'duck', 'eagle', 'egret',
  'elk', 'emu', 'falcon', 'fawn', 'ferret', 'finch', 'flamingo', 'fox', 'frog', 'gazelle', 'gecko',
  'gerbil', 'gibbon', 'goat', 'goose', 'gopher', 'gorilla', 'grouse', 'gull', 'hamster', 'hare',
  'hawk', 'heron', 'hippo', 'horse', 'hound', 'husky', 'ibis', 'iguana', 'impala', 'jackal',
  'jaguar', 'jay', 'kiwi', 'koala', 'lamb', 'lark', 'lemur', 'leopard', 'lion', 'llama', 'lobster',
  'lynx', 'macaw', 'magpie', 'mole', 'monkey', 'moose', 'moth', 'mouse', 'mule', 'newt', 'ocelot',
  'octopus', 'orca', 'oriole', 'osprey', 'otter', 'owl', 'panda', 'panther', 'parrot', 'pelican',
  'penguin', 'pigeon', 'pony', 'poodle', 'puffin', 'puma', 'quail', 'rabbit', 'raccoon', 'raven',
  'robin', 'salmon', 'seal', 'shark', 'sheep', 'shrew', 'skunk', 'sloth', 'snail', 'sparrow',
  'squid', 'stork', 'swan', 'tapir', 'tiger', 'toad', 'trout', 'tuna', 'turkey', 'turtle', 'viper',
  'walrus', 'wasp', 'weasel',]);
