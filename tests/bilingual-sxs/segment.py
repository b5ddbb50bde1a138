#!/usr/bin/env python3
"""Makes a real Dutch article bilingual for the side-by-side tests: each
table row and list item of the Dutch article whose counterpart (by
position) exists in the English original becomes segments, one per cell or
item, Dutch half then English half, as the localization tool writes them.

    segment.py DUTCH.md ENGLISH.md OUT.md ID-PREFIX

(migrate-office365-e4-subscriptions-to-newer-versions.md here: from
../shared/corpus/partner-center.nl-nl/partner-center/ and
../shared/corpus/partner-center.en/.)
"""
import sys,re
nlp, enp, out, prefix = sys.argv[1:5]
nl=open(nlp,encoding='utf-8').read().split('\n')
en=open(enp,encoding='utf-8').read().split('\n')
def rows(lines): return [i for i,l in enumerate(lines) if l.startswith('|') and not re.match(r'^\|[\s:|-]+\|?\s*$', l)]
def items(lines): return [i for i,l in enumerate(lines) if re.match(r'^\s*(- |\* |\d+\. )', l)]
n=[0]
def seg(a,b):
    a=a.strip(); b=b.strip()
    if not a or not b: return a
    n[0]+=1; k=f"{prefix}-{n[0]}"
    return f'<span data-ttu-id="{k}">{a}</span><span class="sxs-lookup"><span data-stu-id="{k}">{b}</span></span>'
rn, re_ = rows(nl), rows(en)
if len(rn)==len(re_):
    for i,j in zip(rn,re_):
        a=nl[i].strip().strip('|').split('|'); b=en[j].strip().strip('|').split('|')
        if len(a)==len(b):
            nl[i]='| '+' | '.join(seg(x,y) for x,y in zip(a,b))+' |'
ln, le = items(nl), items(en)
if len(ln)==len(le):
    for i,j in zip(ln,le):
        m=re.match(r'^(\s*(?:- |\* |\d+\. ))(.*)$', nl[i]); m2=re.match(r'^(\s*(?:- |\* |\d+\. ))(.*)$', en[j])
        if '<' not in m.group(2) and '<' not in m2.group(2):
            nl[i]=m.group(1)+seg(m.group(2),m2.group(2))
open(out,'w',encoding='utf-8').write('\n'.join(nl))
print(n[0], 'segments')
