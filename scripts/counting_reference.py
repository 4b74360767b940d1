# Reference for tests/native/pretraining.rs: HF BertForPreTraining on the counting-sequence task
# (same sizes and optimiser as the Rust test). Usage: python scripts/counting_reference.py 1500
import torch, random, sys
from transformers import BertConfig, BertForPreTraining
torch.manual_seed(2); random.seed(7)
cfg=BertConfig(vocab_size=300,hidden_size=64,num_hidden_layers=2,num_attention_heads=2,intermediate_size=128,max_position_embeddings=32,hidden_dropout_prob=0,attention_probs_dropout_prob=0)
m=BertForPreTraining(cfg)
def batch(rows=16):
    ids_l=[];lab_l=[];typ_l=[]
    for _ in range(rows):
        s=110+random.randrange(150); L=12+random.randrange(12); cut=1+random.randrange(L-1)
        ids=[101]+[s+i for i in range(cut)]+[102]+[s+i for i in range(cut,L)]+[102]
        typ=[int(i>cut+1) for i in range(len(ids))]
        lab=[-100]*len(ids); inp=list(ids)
        for i,t in enumerate(ids):
            if t in (101,102): continue
            if random.random()<0.15:
                lab[i]=t; r=random.random()
                if r<0.8: inp[i]=103
                elif r<0.9: inp[i]=random.randrange(110,300)
        ids_l.append(inp);lab_l.append(lab);typ_l.append(typ)
    T=max(map(len,ids_l))
    pad=lambda l,v:[x+[v]*(T-len(x)) for x in l]
    am=[[1]*len(x)+[0]*(T-len(x)) for x in ids_l]
    return torch.tensor(pad(ids_l,0)),torch.tensor(pad(typ_l,0)),torch.tensor(am),torch.tensor(pad(lab_l,-100))
opt=torch.optim.AdamW(m.parameters(),lr=2e-3,weight_decay=0.01,eps=1e-6)
steps=int(sys.argv[1])
for step in range(steps):
    for g in opt.param_groups: g['lr']=2e-3*min(1,step/20)
    i,t,a,l=batch()
    out=m(input_ids=i,token_type_ids=t,attention_mask=a,labels=l,next_sentence_label=torch.zeros(16,dtype=torch.long))
    opt.zero_grad(); out.loss.backward(); torch.nn.utils.clip_grad_norm_(m.parameters(),1.0); opt.step()
m.eval(); right=tot=0
with torch.no_grad():
  for _ in range(4):
    i,t,a,l=batch(); p=m(input_ids=i,token_type_ids=t,attention_mask=a).prediction_logits.argmax(-1)
    mk=l!=-100; right+=(p[mk]==l[mk]).sum().item(); tot+=mk.sum().item()
print('torch top1',right/tot)
